/**
 * A row-major [rows, cols] matrix in MatMulNBits' 4-bit layout (bits 4,
 * block_size 32, no zero_points input): each row is cut into blocks of 32
 * along cols, each block has a float scale, and value ≈ (code - 8) · scale.
 * Codes are packed two per byte, the earlier one in the low nibble, so
 * `packed` is exactly MatMulNBits' B of shape [rows, blocksPerRow, 16] and
 * `scales` its [rows, blocksPerRow] scales.
 */
export interface Q4Blocks {
  rows: number;
  cols: number;
  blocksPerRow: number;
  packed: Uint8Array;
  scales: Float32Array;
}

/** Values per block (MatMulNBits' block_size), the size transformers.js' q4 files use. */
export const Q4_BLOCK_SIZE = 32;
/** Bytes per packed block: two 4-bit codes per byte. */
export const Q4_BYTES_PER_BLOCK = Q4_BLOCK_SIZE / 2;
// MatMulNBits' default zero point for 4 bits when no zero_points input is given.
const Q4_ZERO_POINT = 8;

/**
 * Quantizes each 32-wide block symmetrically, as onnxruntime's block
 * quantizer does: the block's largest-magnitude value m gets code 0 through
 * scale = m / -8, so the extreme is exact and codes use all of [-8, 7].
 * A trailing partial block is padded with code 8 (zero).
 *
 * @example
 * const head = quantizeQ4Rows(weights.wte, config.vocabSize, config.nEmbd); // rows = output channels
 */
export function quantizeQ4Rows(values: Float32Array, rows: number, cols: number): Q4Blocks {
  if (values.length !== rows * cols) throw new Error(`expected ${rows}x${cols} values, got ${values.length}`);
  const blocksPerRow = Math.ceil(cols / Q4_BLOCK_SIZE);
  const packed = new Uint8Array(rows * blocksPerRow * Q4_BYTES_PER_BLOCK);
  const scales = new Float32Array(rows * blocksPerRow);
  for (let row = 0; row < rows; row += 1) {
    for (let block = 0; block < blocksPerRow; block += 1) {
      const start = block * Q4_BLOCK_SIZE;
      const end = Math.min(start + Q4_BLOCK_SIZE, cols);
      let extreme = 0;
      for (let col = start; col < end; col += 1) {
        const value = values[row * cols + col]!;
        if (Math.abs(value) > Math.abs(extreme)) extreme = value;
      }
      const scale = Math.fround(extreme / -Q4_ZERO_POINT);
      const blockIndex = row * blocksPerRow + block;
      scales[blockIndex] = scale;
      for (let offset = 0; offset < Q4_BLOCK_SIZE; offset += 1) {
        const col = start + offset;
        const code = col < end && scale !== 0 ? encodeQ4(values[row * cols + col]! / scale) : Q4_ZERO_POINT;
        packed[blockIndex * Q4_BYTES_PER_BLOCK + (offset >> 1)]! |= code << ((offset & 1) * 4);
      }
    }
  }
  return { rows, cols, blocksPerRow, packed, scales };
}

/**
 * The float32 matrix the packed codes stand for, row-major [rows, cols].
 *
 * @example
 * const wte = dequantizeQ4Rows(quantizeQ4Rows(weights.wte, vocab, d)); // the tied matrix the q4 model uses
 */
export function dequantizeQ4Rows(matrix: Q4Blocks): Float32Array {
  const { rows, cols, blocksPerRow, packed, scales } = matrix;
  const values = new Float32Array(rows * cols);
  for (let row = 0; row < rows; row += 1) {
    for (let col = 0; col < cols; col += 1) {
      const blockIndex = row * blocksPerRow + Math.floor(col / Q4_BLOCK_SIZE);
      const offset = col % Q4_BLOCK_SIZE;
      const code = (packed[blockIndex * Q4_BYTES_PER_BLOCK + (offset >> 1)]! >> ((offset & 1) * 4)) & 0x0f;
      values[row * cols + col] = (code - Q4_ZERO_POINT) * scales[blockIndex]!;
    }
  }
  return values;
}

function encodeQ4(scaled: number): number {
  return Math.max(0, Math.min(15, Math.round(scaled) + Q4_ZERO_POINT));
}
