/**
 * A row-major [rows, cols] matrix stored as symmetric int8 with one scale per
 * column: value ≈ values[r, c] · scales[c], zero point 0. Per column because
 * a column is one output channel of y = x·W, so its scale factors out of the
 * integer dot product (MatMulInteger's result is rescaled per column).
 */
export interface Int8Columns {
  rows: number;
  cols: number;
  values: Int8Array;
  scales: Float32Array;
}

// ±127, not -128: a symmetric range keeps the zero point at exactly 0.
const INT8_LIMIT = 127;

/**
 * Quantizes each column to int8 with scale max|column| / 127, rounding to nearest.
 *
 * @example
 * const q = quantizeInt8Columns(layer.fc.weight, layer.fc.inFeatures, layer.fc.outFeatures);
 * q.scales.length; // outFeatures
 */
export function quantizeInt8Columns(values: Float32Array, rows: number, cols: number): Int8Columns {
  if (values.length !== rows * cols) throw new Error(`expected ${rows}x${cols} values, got ${values.length}`);
  const scales = new Float32Array(cols);
  for (let i = 0; i < values.length; i += 1) scales[i % cols] = Math.max(scales[i % cols]!, Math.abs(values[i]!));
  for (let col = 0; col < cols; col += 1) scales[col] = scales[col]! / INT8_LIMIT || 1; // an all-zero column quantizes to zeros under any scale
  const quantized = new Int8Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    quantized[i] = Math.max(-INT8_LIMIT, Math.min(INT8_LIMIT, Math.round(values[i]! / scales[i % cols]!)));
  }
  return { rows, cols, values: quantized, scales };
}

/**
 * The float32 matrix the int8 one stands for (values · scales), row-major [rows, cols].
 *
 * @example
 * const weight = dequantizeInt8Columns(quantizeInt8Columns(w, rows, cols)); // what the model multiplies by
 */
export function dequantizeInt8Columns(matrix: Int8Columns): Float32Array {
  const { cols, values, scales } = matrix;
  return Float32Array.from(values, (value, i) => value * scales[i % cols]!);
}
