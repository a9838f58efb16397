/** Types of scripts/copy-docs-assets.mjs, for vitest.config.ts. */
export declare const ASSETS_DIR: string;
export declare const FILES: string[];
export declare function copyDocsAssets(): string[];
