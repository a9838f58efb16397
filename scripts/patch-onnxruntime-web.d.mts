/** Types of scripts/patch-onnxruntime-web.mjs, for the tests that import it. */
export declare const PINNED_VERSION: string;
export declare const MARKER: string;
export declare const TARGETS: string[];
export declare function patchGlue(text: string): string;
