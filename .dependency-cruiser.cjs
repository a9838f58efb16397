/**
 * The layering of src/, checked by `npm run lint` (see the README's layout):
 * every import runs from a layer to the same or a lower one.
 */
const LAYERS = [
  ["entry", "^src/(index|app)\\.ts$"],
  ["http", "^src/(routes|middleware)/"],
  ["config", "^src/config/"],
  ["batch", "^src/batch/"],
  ["files", "^src/files/"],
  ["api", "^src/api/"],
  ["pipeline", "^src/pipeline/"],
  ["routing", "^src/routing/"],
  ["prompts", "^src/prompts/"],
  ["model", "^src/model/"],
  ["errors", "^src/errors/"],
];

const downwardOnly = LAYERS.slice(1).map(([name, path], index) => ({
  name: `no-import-up-from-${name}`,
  comment: `${name} may import only the layers below it`,
  severity: "error",
  from: { path },
  to: { path: LAYERS.slice(0, index + 1).map(([, above]) => above) },
}));

module.exports = {
  forbidden: [
    ...downwardOnly,
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "worker-code-stays-in-src",
      comment: "the Worker never imports tooling or tests",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(infra|test|scripts)/" },
    },
    {
      name: "backends-stay-apart",
      comment: "one backend = one folder; the others reach it only through InferenceBackend",
      severity: "error",
      from: { path: "^src/model/(edge|gpu)/" },
      to: { path: "^src/model/(edge|gpu)/", pathNot: "^src/model/$1/" },
    },
    {
      name: "routing-never-asks-which-backend",
      severity: "error",
      from: { path: "^src/(routing|pipeline|batch)/" },
      to: { path: "^src/model/(edge|gpu)/" },
    },
    {
      name: "one-onnx-runtime-module",
      comment: "onnxruntime's code is imported by exactly one module per runtime (types are erased)",
      severity: "error",
      from: { pathNot: "^src/model/edge/ort-runtime\\.(workerd|node)\\.ts$|^infra/|^test/|^scripts/" },
      to: { path: "node_modules/onnxruntime-(web|node)/", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "workerd", "default"] },
  },
};
