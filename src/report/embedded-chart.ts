/**
 * The charting library's text, when this code runs from an action bundle:
 * scripts/package.mjs replaces this module with Chart.js's UMD build
 * inlined (bundles cannot read node_modules at run time). From lib/ it is
 * undefined and the library is read from the installed chart.js package.
 */
export const EMBEDDED_CHART_JS: string | undefined = undefined
