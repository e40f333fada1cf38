/** The simulator's version; written into every trace header. Kept equal to package.json by a test. */
export const ZKSIM_VERSION = '0.1.0';
