export const id = 245;
export const ids = [245];
export const modules = {

/***/ 7245:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   releaseLeftLocks: () => (/* binding */ releaseLeftLocks)
/* harmony export */ });
/** Placeholder until the deploy lock lands: nothing to release. */
async function releaseLeftLocks(_state) { }


/***/ })

};
