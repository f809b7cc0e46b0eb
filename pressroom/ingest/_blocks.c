/* A TurboJPEG custom filter that decodes, from each row of the upright blocks the lossless
 * rotation writes, the 1/8-scale picture libjpeg-turbo would (jpeg_dc.Eighth): a block is
 * one pixel, its DC coefficient (jidctred.c's jpeg_idct_1x1), or for chroma subsampled both
 * ways 2x2 pixels (jpeg_idct_2x2). Both are libjpeg's C code, kept to its integer types, so
 * the samples are its C build's bit for bit, even where a hostile table overflows 16 bits.
 * tjTransform calls the filter once per row of blocks (~1,000 times for 12 MP): as a Python
 * callback that cost ~10 us a row. The module only exports the filter's address (KEEP). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef struct { int x, y, w, h; } Region;  /* turbojpeg.h's tjregion */

typedef struct {  /* turbojpeg.h's tjtransform */
    Region r;
    int op, options;
    void *data;
    void *customFilter;
} Transform;

typedef struct {  /* jpeg_dc._Kept */
    uint8_t *out[4];       /* per component: its samples, (scale bh) x (scale bw) */
    int64_t cap[4];        /* bytes out[ci] holds */
    int16_t quant[4][64];  /* the component's quantisers, natural order */
    int32_t scale[4];      /* 1: a pixel a block; 2: 2x2; 0: not kept (pixels() declines) */
    int32_t bh[4], bw[4];  /* blocks high and wide, set by the component's first row */
} Kept;

/* libjpeg's range_limit[x & RANGE_MASK] after an IDCT: clamp(x + 128) for x in
 * [-512, 511], and its table's wrap-around beyond. */
static uint8_t limit(int64_t x) {
    int i = (int)(x & 1023);
    return i < 128 ? (uint8_t)(i + 128) : i < 512 ? 255 : i < 896 ? 0 : (uint8_t)(i - 896);
}

#define LEFT_SHIFT(a, b) ((int64_t)((unsigned long)(a) << (b)))
#define DESCALE(x, n) (((x) + ((int64_t)1 << ((n) - 1))) >> (n))

/* jidctred.c's jpeg_idct_2x2 (CONST_BITS 13, PASS1_BITS 2), its shortcuts included. */
static void idct_2x2(const int16_t *in, const int16_t *q, uint8_t *out, int64_t stride) {
    int ws[16];
    for (int c = 0; c < 8; c++) {
        if (c == 2 || c == 4 || c == 6)
            continue;
        const int16_t *col = in + c;
        const int16_t *qc = q + c;
        if (!col[8] && !col[24] && !col[40] && !col[56]) {
            int dc = (int)LEFT_SHIFT(col[0] * qc[0], 2);
            ws[c] = ws[8 + c] = dc;
            continue;
        }
        int64_t even = LEFT_SHIFT((int64_t)(col[0] * qc[0]), 15);
        int64_t odd = (int64_t)(col[56] * qc[56]) * -5906 + (int64_t)(col[40] * qc[40]) * 6967
                      + (int64_t)(col[24] * qc[24]) * -10426 + (int64_t)(col[8] * qc[8]) * 29692;
        ws[c] = (int)DESCALE(even + odd, 13);
        ws[8 + c] = (int)DESCALE(even - odd, 13);
    }
    for (int r = 0; r < 2; r++, out += stride) {
        const int *w = ws + 8 * r;
        if (!w[1] && !w[3] && !w[5] && !w[7]) {
            out[0] = out[1] = limit(DESCALE((int64_t)w[0], 5));
            continue;
        }
        int64_t even = LEFT_SHIFT((int64_t)w[0], 15);
        int64_t odd = (int64_t)w[7] * -5906 + (int64_t)w[5] * 6967 + (int64_t)w[3] * -10426
                      + (int64_t)w[1] * 29692;
        out[0] = limit(DESCALE(even + odd, 20));
        out[1] = limit(DESCALE(even - odd, 20));
    }
}

static int keep(int16_t *coeffs, Region row, Region plane, int ci, int ti, Transform *t) {
    (void)ti;
    Kept *k = t->data;
    if (row.y >= plane.h)  /* a partial MCU's padding row, outside the image */
        return 0;
    if (ci < 0 || ci > 3 || row.w != plane.w)
        return -1;
    int64_t s = k->scale[ci], bh = plane.h / 8, bw = plane.w / 8, by = row.y / 8;
    if (!s)
        return 0;
    if (!k->bh[ci]) {
        if (bh * bw * s * s > k->cap[ci])
            return -1;  /* tjTransform fails, and with it the ingest: never written past */
        k->bh[ci] = (int32_t)bh;
        k->bw[ci] = (int32_t)bw;
    } else if (k->bh[ci] != bh || k->bw[ci] != bw) {
        return -1;
    }
    const int16_t *q = k->quant[ci];
    uint8_t *out = k->out[ci] + by * s * s * bw;
    for (int64_t x = 0; x < bw; x++, coeffs += 64) {
        if (s == 1)  /* jpeg_idct_1x1 */
            out[x] = limit(DESCALE((int64_t)(coeffs[0] * q[0]), 3));
        else
            idct_2x2(coeffs, q, out + 2 * x, 2 * bw);
    }
    return 0;
}

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "_blocks", .m_size = -1};

PyMODINIT_FUNC PyInit__blocks(void) {
    PyObject *m = PyModule_Create(&module), *address = PyLong_FromVoidPtr((void *)keep);
    if (!m || !address || PyModule_AddObjectRef(m, "KEEP", address) < 0)
        Py_CLEAR(m);
    Py_XDECREF(address);
    return m;
}
