package io.mopao.cuda.kernels;

/**
 * A kernel launch shape.
 *
 * @param gridX       blocks along x
 * @param gridY       blocks along y
 * @param blockX      threads per block
 * @param sharedBytes dynamic shared memory
 */
public record Launch(int gridX, int gridY, int blockX, int sharedBytes) {
    /** CUDA's limit on gridDim.y. */
    public static final int MAX_GRID_Y = 65_535;

    public Launch {
        if (gridX < 1 || gridY < 1 || blockX < 1 || blockX > 1024 || sharedBytes < 0) {
            throw new IllegalArgumentException("invalid launch " + gridX + "x" + gridY + " blocks of " + blockX);
        }
        if (gridY > MAX_GRID_Y) {
            throw new IllegalArgumentException("grid y of " + gridY + " exceeds CUDA's " + MAX_GRID_Y);
        }
    }

    /** @return threads launched */
    public long threads() {
        return (long) gridX * gridY * blockX;
    }
}
