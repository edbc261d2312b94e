export const id = 692;
export const ids = [692];
export const modules = {

/***/ 8692:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runDemo: () => (/* binding */ runDemo)
/* harmony export */ });
async function runDemo() {
    throw new Error('demo: not yet');
}


/***/ })

};
