export const id = 20;
export const ids = [20];
export const modules = {

/***/ 9020:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   demo: () => (/* binding */ demo)
/* harmony export */ });
/** `gunicorn-deploy demo`: loaded only when asked for, so the action never loads the sandbox. */
async function demo(argv) {
    const { runDemo } = await __webpack_require__.e(/* import() */ 692).then(__webpack_require__.bind(__webpack_require__, 8692));
    return runDemo(argv);
}


/***/ })

};
