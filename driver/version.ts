/** sparkfn's version, recorded in event logs (a test keeps it equal to package.json's). */
export const SPARKFN_VERSION = "0.1.0";
