/* Display P3 -> sRGB for 8-bit RGB(A) pixels: the three table lookups of fastcolour.py, in one
 * pass over the pixels (numpy needs nine passes over 64K-pixel chunks for the same work; a
 * 12-MP photo takes 20-24 ms here against 55-59, benchmarks/bench_fastcolour.py). The
 * tables, and so the results, are fastcolour's own; this file only walks the pixels. The
 * GIL is released while it does. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *convert(PyObject *self, PyObject *args) {
    Py_buffer src, dst, rgk, tb, enc;
    int bands;
    if (!PyArg_ParseTuple(args, "y*w*y*y*y*i", &src, &dst, &rgk, &tb, &enc, &bands))
        return NULL;
    PyObject *result = NULL;
    if ((bands != 3 && bands != 4) || src.len % bands || dst.len != src.len
        || rgk.len != 65536 * 4 || tb.len != 256 * 4 || enc.len != 65536) {
        PyErr_SetString(PyExc_ValueError, "p3: buffer sizes do not match");
        goto done;
    }
    const uint8_t *s = src.buf, *e = enc.buf;
    uint8_t *d = dst.buf;
    const uint32_t *packed = rgk.buf;  /* R' | G' << 8 | (K + bias) << 16, by R | G << 8 */
    const int32_t *blue = tb.buf;      /* m22 lin(B) - bias, by B */
    Py_ssize_t n = src.len / bands;
    Py_BEGIN_ALLOW_THREADS
    /* RGB (every HEIC) has a loop of its own: with the pixel size a constant, 12 MP take
     * 23.4-23.9 ms against 26.6-27.4 through the general loop (timed by hand, the same bytes). */
    if (bands == 3) {
        for (Py_ssize_t i = 0; i < n; i++, s += 3, d += 3) {
            uint32_t v = packed[s[0] | (s[1] << 8)];
            int32_t linear = (int32_t)(v >> 16) + blue[s[2]];
            uint8_t b = e[linear < 0 ? 0 : linear > 65535 ? 65535 : linear];  /* the gamut clip */
            d[0] = v & 255;  /* written after s[2] is read: dst may be src */
            d[1] = (v >> 8) & 255;
            d[2] = b;
        }
    } else {
        for (Py_ssize_t i = 0; i < n; i++, s += 4, d += 4) {
            uint32_t v = packed[s[0] | (s[1] << 8)];
            int32_t linear = (int32_t)(v >> 16) + blue[s[2]];
            uint8_t b = e[linear < 0 ? 0 : linear > 65535 ? 65535 : linear];
            d[3] = s[3];
            d[0] = v & 255;
            d[1] = (v >> 8) & 255;
            d[2] = b;
        }
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&src);
    PyBuffer_Release(&dst);
    PyBuffer_Release(&rgk);
    PyBuffer_Release(&tb);
    PyBuffer_Release(&enc);
    return result;
}

static PyMethodDef methods[] = {
    {"convert", convert, METH_VARARGS,
     "convert(src, dst, rgk, tb, enc, bands): fastcolour's tables applied to every pixel."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_p3", NULL, -1, methods};

PyMODINIT_FUNC PyInit__p3(void) { return PyModule_Create(&module); }
