/**
 * Returns the transpose of a row-major [rows, cols] matrix as a new row-major
 * [cols, rows] array. Quantizers need it because GPT-2 stores projections as
 * [in, out] while the block and channel layouts they write run along other axes.
 *
 * @example
 * transposeMatrix(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3); // [1, 4, 2, 5, 3, 6]
 */
export function transposeMatrix(values: Float32Array, rows: number, cols: number): Float32Array {
  if (values.length !== rows * cols) throw new Error(`expected ${rows}x${cols} values, got ${values.length}`);
  const transposed = new Float32Array(values.length);
  for (let row = 0; row < rows; row += 1) {
    for (let col = 0; col < cols; col += 1) transposed[col * rows + row] = values[row * cols + col]!;
  }
  return transposed;
}
