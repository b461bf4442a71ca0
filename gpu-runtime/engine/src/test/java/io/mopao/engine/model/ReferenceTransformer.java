package io.mopao.engine.model;

import io.mopao.engine.tensor.Tensor;

/**
 * A plain float64 transformer, written from the math, used to check {@link Model#forward}: it recomputes the whole
 * sequence without a cache from the dequantised weights.
 */
public final class ReferenceTransformer {
    private final ModelConfig c;
    private final double[] embedding;
    private final double[][][] layers;
    private final double[] outNorm;
    private final double[] output;
    private final double[] invFreq;
    private final boolean quantizeActivations;

    /** {@code ropeFactors}: per pair divisors of the frequency (Llama-3 rope_freqs), or null. */
    ReferenceTransformer(Model m, float[] ropeFactors) {
        this.c = m.config();
        ModelWeights w = m.weights();
        // int8 kernels see activations rounded to 8 bits per block of 32; model that rounding (in float64) too
        this.quantizeActivations = w.output().usesQ8Activations();
        embedding = d(w.tokenEmbedding().toFloatArray());
        output = d(w.output().toFloatArray());
        outNorm = d(w.outputNorm());
        layers = new double[c.layers()][][];
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights lw = w.layers().get(l);
            layers[l] = new double[][] {d(lw.attnNorm()), d(lw.wq()), d(lw.wk()), d(lw.wv()), d(lw.bq()), d(lw.bk()), d(lw.bv()),
                d(lw.wo()), d(lw.ffnNorm()), d(lw.wGate()), d(lw.wUp()), d(lw.wDown())};
        }
        invFreq = new double[c.headDim() / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = 1.0 / Math.pow(c.ropeTheta(), 2.0 * i / c.headDim()) / (ropeFactors == null ? 1 : ropeFactors[i]);
        }
    }

    private static double[] d(Tensor t) {
        return d(t.toFloatArray());
    }

    private static double[] d(float[] f) {
        if (f == null) {
            return null;
        }
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /**
     * Causal attention of one query head at position {@code t}, in float64: {@code out += sum_u p_u v_u} with
     * {@code p = softmax(q . k_u / sqrt(hd))}, {@code u = 0..t}.
     *
     * @param q         the query row; the head's at {@code [qOffset, qOffset + hd)}
     * @param qOffset   where the head starts in {@code q}
     * @param k         keys per position; the head's KV group at {@code [kvOffset, kvOffset + hd)}
     * @param v         values per position, laid out as the keys
     * @param kvOffset  where the head's KV group starts in a position's keys and values
     * @param hd        head size
     * @param t         the query's position
     * @param out       accumulated into at {@code [outOffset, outOffset + hd)}
     * @param outOffset where the head's output starts
     */
    public static void attendHead(double[] q, int qOffset, double[][] k, double[][] v, int kvOffset, int hd, int t, double[] out,
                                  int outOffset) {
        double[] s = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int u = 0; u <= t; u++) {
            double dot = 0;
            for (int i = 0; i < hd; i++) {
                dot += q[qOffset + i] * k[u][kvOffset + i];
            }
            s[u] = dot / Math.sqrt(hd);
            max = Math.max(max, s[u]);
        }
        double sum = 0;
        for (int u = 0; u <= t; u++) {
            s[u] = Math.exp(s[u] - max);
            sum += s[u];
        }
        for (int u = 0; u <= t; u++) {
            for (int i = 0; i < hd; i++) {
                out[outOffset + i] += s[u] / sum * v[u][kvOffset + i];
            }
        }
    }

    /** Logits after the last of {@code tokens} (positions 0..n-1). */
    double[] logits(int[] tokens) {
        int n = tokens.length;
        int dim = c.dim();
        int hd = c.headDim();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = new double[dim];
            System.arraycopy(embedding, tokens[t] * dim, x[t], 0, dim);
        }
        for (double[][] lw : layers) {
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] xn = rmsnorm(x[t], lw[0]);
                q[t] = rope(add(matvec(lw[1], xn), lw[4]), c.heads(), t);
                k[t] = rope(add(matvec(lw[2], xn), lw[5]), c.kvHeads(), t);
                v[t] = add(matvec(lw[3], xn), lw[6]);
            }
            for (int t = 0; t < n; t++) {
                double[] att = new double[c.heads() * hd];
                for (int h = 0; h < c.heads(); h++) {
                    int kh = h / (c.heads() / c.kvHeads());
                    attendHead(q[t], h * hd, k, v, kh * hd, hd, t, att, h * hd);
                }
                x[t] = add(x[t], matvec(lw[7], att));
                double[] xn = rmsnorm(x[t], lw[8]);
                double[] g = matvec(lw[9], xn);
                double[] up = matvec(lw[10], xn);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * up[i];
                }
                x[t] = add(x[t], matvec(lw[11], g));
            }
        }
        return matvec(output, rmsnorm(x[n - 1], outNorm));
    }

    private double[] rmsnorm(double[] x, double[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double s = 1 / Math.sqrt(ss / x.length + c.normEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * s * w[i];
        }
        return out;
    }

    private double[] matvec(double[] w, double[] xIn) {
        double[] x = quantizeActivations ? q8(xIn) : xIn;
        int rows = w.length / x.length;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += w[r * x.length + i] * x[i];
            }
            out[r] = s;
        }
        return out;
    }

    /** Q8_0-style rounding: per block of 32, x = round(x / d) * d with d = max|x| / 127. */
    private static double[] q8(double[] x) {
        double[] out = new double[x.length];
        for (int b = 0; b < x.length; b += 32) {
            double amax = 0;
            for (int i = b; i < b + 32; i++) {
                amax = Math.max(amax, Math.abs(x[i]));
            }
            double d = amax / 127;
            for (int i = b; i < b + 32; i++) {
                out[i] = d == 0 ? 0 : Math.round(x[i] / d) * d;
            }
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        if (b == null) {
            return a;
        }
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private double[] rope(double[] v, int heads, int pos) {
        int hd = c.headDim();
        int half = hd / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                // llama: adjacent pairs (2i, 2i+1); qwen2 (NeoX): pairs (i, i + half)
                int a = h * hd + (c.architecture().equals("qwen2") ? i : 2 * i);
                int b = a + (c.architecture().equals("qwen2") ? half : 1);
                double ang = pos * invFreq[i];
                double x0 = v[a];
                double x1 = v[b];
                v[a] = x0 * Math.cos(ang) - x1 * Math.sin(ang);
                v[b] = x0 * Math.sin(ang) + x1 * Math.cos(ang);
            }
        }
        return v;
    }
}
