/* The lossless rotation of an EXIF-rotated JPEG, as tjTransform does it (TJXOPT_PERFECT |
 * TJXOPT_COPYNONE, TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) and with the same bytes out, but
 * with the blocks moved in tiles. libjpeg-turbo's transupp.c fills each destination row from
 * one block of every source row: for a 12-MP photo that copy took 15-70 ms of a 75-125 ms
 * transform (a transposing orientation); the tiled copy here takes ~10.
 *
 * Through libjpeg's own API: jpeg_read_coefficients, then jpeg_write_coefficients over
 * destination arrays that are never stored whole: the encoder asks for each row of blocks
 * as it writes it (access_virt_barray, hooked below), and gets it from a band of TILE rows
 * moved just before, still in cache. tjTransform moves the whole image into a second array
 * (36 MB for 12 MP) and the encoder reads it back from memory.
 * An optional custom filter (tjTransform's signature: jpeg_dc.Eighth's KEEP) sees each row
 * of the upright blocks before they are written, as tjTransform would show them. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

#define MAX_SCANS 500 /* TJFLAG_LIMITSCANS: a progressive file of 10,000 tiny scans is an attack */
#define TILE 8        /* blocks a side: a tile's source rows stay in cache while it is filled */

typedef struct { int x, y, w, h; } Region;  /* turbojpeg.h's tjregion and tjtransform */
typedef struct {
    Region r;
    int op, options;
    void *data;
    int (*filter)(JCOEF *, Region, Region, int, int, void *);
} Transform;

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} Errors;

static void fail(j_common_ptr c) {
    Errors *e = (Errors *)c->err;
    (*c->err->format_message)(c, e->message);
    longjmp(e->jump, 1);
}

static void warn(j_common_ptr c, int level) {
    if (level < 0)  /* a warning (corrupt data): a failure, as TJFLAG_STOPONWARNING makes it */
        fail(c);
}

static void scans(j_common_ptr c) {
    if (c->is_decompressor && ((j_decompress_ptr)c)->input_scan_number > MAX_SCANS) {
        Errors *e = (Errors *)c->err;
        snprintf(e->message, sizeof e->message, "more than %d scans", MAX_SCANS);
        longjmp(e->jump, 1);
    }
}

/* EXIF orientation -> what the move does: transpose, then mirror x and/or y (in the
 * destination's axes). 2 flip-h, 3 rot180, 4 flip-v, 5 transpose, 6 rot90, 7 transverse,
 * 8 rot270, as transupp.c's do_* routines (their sign changes included). */
typedef struct { int transpose, mirror_x, mirror_y; } Move;
static const Move MOVES[9] = {
    {0, 0, 0}, {0, 0, 0}, {0, 1, 0}, {0, 1, 1}, {0, 0, 1},
    {1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {1, 0, 1},
};

/* transupp.c's jtransform_perfect_transform, on the source's dimensions. */
static int perfect(j_decompress_ptr s, int orientation) {
    int grey = s->num_components == 1;  /* one component: 8x8 MCUs whatever it declares */
    unsigned mw = (unsigned)(grey ? 1 : s->max_h_samp_factor) * DCTSIZE;
    unsigned mh = (unsigned)(grey ? 1 : s->max_v_samp_factor) * DCTSIZE;
    int w_ok = s->image_width % mw == 0, h_ok = s->image_height % mh == 0;
    switch (orientation) {
    case 2: case 8: return w_ok;
    case 4: case 6: return h_ok;
    case 3: case 7: return w_ok && h_ok;
    default: return 1;
    }
}

/* Each coefficient's sign in the move, in the destination's order: mirroring in x negates
 * the destination's odd columns, in y its odd rows. */
static void signs(Move m, JCOEF sign[DCTSIZE2]) {
    for (int row = 0; row < DCTSIZE; row++)
        for (int col = 0; col < DCTSIZE; col++)
            sign[row * DCTSIZE + col] = ((m.mirror_x && (col & 1)) ^ (m.mirror_y && (row & 1))) ? -1 : 1;
}

#ifdef __SSE2__
#include <emmintrin.h>
/* An 8x8 transpose of 16-bit values in registers (three rounds of unpacking), then the signs:
 * ~40 instructions a block where the scalar loop takes 64 loads and 64 strided stores. */
static void move_block(JCOEF *restrict dst, const JCOEF *restrict src, const JCOEF *sign,
                       int transpose) {
    __m128i r[8];
    for (int i = 0; i < 8; i++)
        r[i] = _mm_loadu_si128((const __m128i *)(src + 8 * i));
    if (transpose) {
        __m128i a[8], b[8];
        for (int i = 0; i < 4; i++) {
            a[2 * i] = _mm_unpacklo_epi16(r[2 * i], r[2 * i + 1]);
            a[2 * i + 1] = _mm_unpackhi_epi16(r[2 * i], r[2 * i + 1]);
        }
        for (int i = 0; i < 2; i++)
            for (int h = 0; h < 2; h++) {
                b[4 * i + 2 * h] = _mm_unpacklo_epi32(a[4 * i + h], a[4 * i + 2 + h]);
                b[4 * i + 2 * h + 1] = _mm_unpackhi_epi32(a[4 * i + h], a[4 * i + 2 + h]);
            }
        for (int i = 0; i < 4; i++) {
            r[2 * i] = _mm_unpacklo_epi64(b[i], b[4 + i]);
            r[2 * i + 1] = _mm_unpackhi_epi64(b[i], b[4 + i]);
        }
    }
    for (int i = 0; i < 8; i++) {
        __m128i s = _mm_loadu_si128((const __m128i *)(sign + 8 * i));
        _mm_storeu_si128((__m128i *)(dst + 8 * i), _mm_mullo_epi16(r[i], s));
    }
}
#else
static void move_block(JCOEF *restrict dst, const JCOEF *restrict src, const JCOEF *sign,
                       int transpose) {
    for (int i = 0; i < DCTSIZE; i++)
        for (int j = 0; j < DCTSIZE; j++) {
            int k = transpose ? j * DCTSIZE + i : i * DCTSIZE + j;  /* in the destination */
            dst[k] = (JCOEF)(src[i * DCTSIZE + j] * sign[k]);
        }
}
#endif

/* A destination that grows in memory we own, so a failed write frees all of it (libjpeg's
 * jpeg_mem_dest frees its own buffer as it grows and would leave us a stale pointer). */
typedef struct {
    struct jpeg_destination_mgr pub;
    unsigned char *buf;
    size_t size, used;
} Sink;

static void sink_init(j_compress_ptr c) {
    Sink *k = (Sink *)c->dest;
    k->pub.next_output_byte = k->buf + k->used;
    k->pub.free_in_buffer = k->size - k->used;
}

static boolean sink_grow(j_compress_ptr c) {
    Sink *k = (Sink *)c->dest;
    size_t size = k->size * 2;
    unsigned char *buf = realloc(k->buf, size);
    if (!buf)
        ERREXIT1(c, JERR_OUT_OF_MEMORY, 10);
    k->used = k->size;  /* the buffer was full */
    k->buf = buf;
    k->size = size;
    sink_init(c);
    return TRUE;
}

static void sink_term(j_compress_ptr c) {
    Sink *k = (Sink *)c->dest;
    k->used = k->size - k->pub.free_in_buffer;
}

typedef struct {
    const unsigned char *in;
    size_t in_size;
    int orientation;
    Transform filter;
    Sink sink;
    int imperfect;
    char message[JMSG_LENGTH_MAX];
} Job;

/* Row pointers of the source's whole in-memory virtual array (libjpeg-turbo keeps every
 * array in memory: jmemnobs.c), fetched once, so the move can read any row. */
static JBLOCKROW *rows(j_common_ptr c, jvirt_barray_ptr a, JDIMENSION n) {
    JBLOCKROW *r = (JBLOCKROW *)(*c->mem->alloc_small)(c, JPOOL_IMAGE, n * sizeof(JBLOCKROW));
    for (JDIMENSION y = 0; y < n; y++)
        r[y] = (*c->mem->access_virt_barray)(c, a, y, 1, FALSE)[0];
    return r;
}

/* One destination component: where its blocks come from and the band of rows last moved.
 * Its address is the jvirt_barray_ptr the encoder is given (an opaque handle to libjpeg). */
typedef struct {
    JBLOCKROW *from;           /* the source component's rows */
    JBLOCKROW band[TILE + 3];  /* rows band_y .. band_y + tall - 1 of the destination */
    JDIMENSION tall;           /* rows a band: TILE up to a multiple of v_samp_factor (1-4) */
    JDIMENSION band_y, filled; /* the band's first row; rows moved so far (0: none yet) */
    JDIMENSION bw, bh, cw, ch; /* blocks wide and high; the mirrored extent (whole iMCUs) */
    int ci;
    Region plane;
} Comp;

typedef struct {
    Comp comp[MAX_COMPONENTS];
    Move m;
    JCOEF sign[DCTSIZE2];
    Transform *filter;
} Mover;

static void stop(j_common_ptr c, const char *message) {
    Errors *e = (Errors *)c->err;
    snprintf(e->message, sizeof e->message, "%s", message);
    longjmp(e->jump, 1);
}

/* Moves the band of destination rows from ty, in tiles of about TILE x TILE blocks: a
 * transposing move reads a tile's blocks from TILE source rows, each run contiguous. */
static void move_band(Comp *k, Mover *mv, j_common_ptr c, JDIMENSION ty) {
    Move m = mv->m;
    JDIMENSION ny = k->bh - ty < k->tall ? k->bh - ty : k->tall;
    /* Within a tile, walk the axis that runs along a source row in the direction that reads
     * it forwards (a mirrored axis backwards): the prefetcher follows it. */
    int back_y = m.transpose && m.mirror_y, back_x = !m.transpose && m.mirror_x;
    for (JDIMENSION tx = 0; tx < k->bw; tx += TILE) {
        JDIMENSION nx = k->bw - tx < TILE ? k->bw - tx : TILE;
        for (JDIMENSION i = 0; i < ny; i++) {
            JDIMENSION y = back_y ? ty + ny - 1 - i : ty + i;
            JDIMENSION my = m.mirror_y && y < k->ch ? k->ch - 1 - y : y;
            for (JDIMENSION j = 0; j < nx; j++) {
                JDIMENSION x = back_x ? tx + nx - 1 - j : tx + j;
                JDIMENSION mx = m.mirror_x && x < k->cw ? k->cw - 1 - x : x;
                const JCOEF *b = m.transpose ? k->from[mx][my] : k->from[my][mx];
                move_block(k->band[y - ty][x], b, mv->sign, m.transpose);
            }
        }
    }
    k->band_y = ty;
    k->filled = ty + ny;
    /* tjTransform's call to the filter, one row of blocks at a time, in order */
    Region row = {0, (int)ty * DCTSIZE, k->plane.w, DCTSIZE};
    for (JDIMENSION y = ty; mv->filter->filter && y < ty + ny; y++, row.y += DCTSIZE)
        if (mv->filter->filter(k->band[y - ty][0], row, k->plane, k->ci, 0, mv->filter) == -1)
            stop(c, "the custom filter failed");
}

/* The encoder's access_virt_barray: rows start .. start + n - 1 of a destination component,
 * asked in order, one iMCU row (v_samp_factor rows, which divide a band) at a time. */
static JBLOCKARRAY access_band(j_common_ptr c, jvirt_barray_ptr ptr, JDIMENSION start,
                               JDIMENSION n, boolean writable) {
    (void)writable;
    Comp *k = (Comp *)(void *)ptr;
    if (start == k->filled && start < k->bh)  /* the next band's first row */
        move_band(k, (Mover *)c->client_data, c, start);
    if (start < k->band_y || start > k->filled || n > k->filled - start)  /* no wrap-around */
        stop(c, "the encoder asked for blocks out of order");
    return k->band + (start - k->band_y);
}

static int run(Job *job) {
    struct jpeg_decompress_struct s;
    struct jpeg_compress_struct d;
    struct jpeg_progress_mgr progress = {.progress_monitor = scans};
    Errors e;
    Mover mv = {.filter = &job->filter};
    volatile int made_s = 0, made_d = 0, ok = 0;
    s.err = jpeg_std_error(&e.pub);
    d.err = &e.pub;
    e.pub.error_exit = fail;
    e.pub.emit_message = warn;
    e.message[0] = 0;
    if (setjmp(e.jump)) {
        memcpy(job->message, e.message, sizeof e.message);
        goto done;
    }
    jpeg_create_decompress(&s);
    made_s = 1;
    s.progress = &progress;
    jpeg_mem_src(&s, job->in, (unsigned long)job->in_size);
    jpeg_read_header(&s, TRUE);
    if (!perfect(&s, job->orientation)) {
        job->imperfect = 1;
        goto done;
    }
    Move m = mv.m = MOVES[job->orientation];
    signs(m, mv.sign);
    int n = s.num_components, grey = n == 1;
    /* The destination's geometry (transupp.c's jtransform_request_workspace): iMCUs of the
     * turned frame, each component's sampling swapped by a transpose; one component gets
     * 1x1 sampling, as transupp.c gives it. */
    int maxh = grey ? 1 : m.transpose ? s.max_v_samp_factor : s.max_h_samp_factor;
    int maxv = grey ? 1 : m.transpose ? s.max_h_samp_factor : s.max_v_samp_factor;
    JDIMENSION dw = m.transpose ? s.image_height : s.image_width;
    JDIMENSION dh = m.transpose ? s.image_width : s.image_height;
    JDIMENSION imcu_w = (dw + maxh * DCTSIZE - 1) / (maxh * DCTSIZE);
    JDIMENSION imcu_h = (dh + maxv * DCTSIZE - 1) / (maxv * DCTSIZE);
    jvirt_barray_ptr *src = jpeg_read_coefficients(&s);

    jpeg_create_compress(&d);
    made_d = 1;
    jpeg_copy_critical_parameters(&s, &d);
    if (grey)
        d.comp_info[0].h_samp_factor = d.comp_info[0].v_samp_factor = 1;
    if (m.transpose) {  /* transupp.c's transpose_critical_parameters */
        d.image_width = dw;
        d.image_height = dh;
        for (int ci = 0; ci < n; ci++) {
            int t = d.comp_info[ci].h_samp_factor;
            d.comp_info[ci].h_samp_factor = d.comp_info[ci].v_samp_factor;
            d.comp_info[ci].v_samp_factor = t;
        }
        for (int q = 0; q < NUM_QUANT_TBLS; q++) {
            JQUANT_TBL *t = d.quant_tbl_ptrs[q];
            if (!t)
                continue;
            for (int i = 0; i < DCTSIZE; i++)
                for (int j = 0; j < i; j++) {
                    UINT16 x = t->quantval[i * DCTSIZE + j];
                    t->quantval[i * DCTSIZE + j] = t->quantval[j * DCTSIZE + i];
                    t->quantval[j * DCTSIZE + i] = x;
                }
        }
    }
    jvirt_barray_ptr dst[MAX_COMPONENTS];
    for (int ci = 0; ci < n; ci++) {
        jpeg_component_info *c = d.comp_info + ci, *sc = s.comp_info + ci;
        Comp *k = mv.comp + ci;
        k->ci = ci;
        k->bw = imcu_w * (JDIMENSION)c->h_samp_factor;
        k->bh = imcu_h * (JDIMENSION)c->v_samp_factor;
        JDIMENSION vs = (JDIMENSION)c->v_samp_factor;  /* 1-4 (jdinput.c checks) */
        k->tall = (TILE + vs - 1) / vs * vs;
        /* The mirrored extent: whole iMCUs (perfect() made sure there is no partial one). */
        k->cw = dw / (maxh * DCTSIZE) * (JDIMENSION)c->h_samp_factor;
        k->ch = dh / (maxv * DCTSIZE) * (JDIMENSION)c->v_samp_factor;
        JDIMENSION sh = m.transpose ? k->bw : k->bh, sw = m.transpose ? k->bh : k->bw;
        JDIMENSION row_blocks = (sc->width_in_blocks + (JDIMENSION)sc->h_samp_factor - 1) /
                                (JDIMENSION)sc->h_samp_factor * (JDIMENSION)sc->h_samp_factor;
        if (sw > row_blocks) {  /* not expected (the geometry is transupp.c's): never read past */
            snprintf(job->message, sizeof job->message, "component %d: %u blocks a row, %u read",
                     ci, (unsigned)row_blocks, (unsigned)sw);
            goto done;
        }
        k->from = rows((j_common_ptr)&s, src[ci], sh);
        JBLOCKROW blocks = (JBLOCKROW)(*d.mem->alloc_large)(
            (j_common_ptr)&d, JPOOL_IMAGE, (size_t)k->tall * k->bw * sizeof(JBLOCK));
        for (JDIMENSION y = 0; y < k->tall; y++)
            k->band[y] = blocks + (size_t)y * k->bw;
        dst[ci] = (jvirt_barray_ptr)(void *)k;
    }
    job->sink.size = job->in_size / 2 + 65536;  /* about the input's size, after one growth */
    job->sink.buf = malloc(job->sink.size);
    if (!job->sink.buf)
        ERREXIT1(&d, JERR_OUT_OF_MEMORY, 11);
    job->sink.pub.init_destination = sink_init;
    job->sink.pub.empty_output_buffer = sink_grow;
    job->sink.pub.term_destination = sink_term;
    d.dest = &job->sink.pub;
    jpeg_write_coefficients(&d, dst);
    /* After jpeg_write_coefficients, which realizes the compressor's own virtual arrays (it
     * has none): from here on the only arrays it asks for are dst's. */
    for (int ci = 0; ci < n; ci++)
        mv.comp[ci].plane = (Region){0, 0, (int)d.comp_info[ci].width_in_blocks * DCTSIZE,
                                     (int)d.comp_info[ci].height_in_blocks * DCTSIZE};
    d.client_data = &mv;
    d.mem->access_virt_barray = access_band;
    jpeg_finish_compress(&d);
    for (int ci = 0; ci < n; ci++)  /* every row moved: the filter saw all of them */
        if (mv.comp[ci].filled != mv.comp[ci].bh)
            stop((j_common_ptr)&d, "the encoder left rows unwritten");
    jpeg_finish_decompress(&s);
    ok = 1;
done:
    if (made_d)
        jpeg_destroy_compress(&d);
    if (made_s)
        jpeg_destroy_decompress(&s);
    return ok;
}

/* rotate(jpeg, orientation, filter, data) -> bytes, or None when no perfect transform exists.
 * filter and data: a tjTransform custom filter's address and its data pointer (0: none). */
static PyObject *rotate(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer in;
    int orientation;
    unsigned long long filter, data;
    if (!PyArg_ParseTuple(args, "y*iKK", &in, &orientation, &filter, &data))
        return NULL;
    if (orientation < 2 || orientation > 8) {
        PyBuffer_Release(&in);
        return PyErr_Format(PyExc_ValueError, "EXIF orientation %d is not 2-8", orientation);
    }
    Job job = {.in = in.buf, .in_size = (size_t)in.len, .orientation = orientation};
    job.filter.filter = (int (*)(JCOEF *, Region, Region, int, int, void *))(uintptr_t)filter;
    job.filter.data = (void *)(uintptr_t)data;
    int ok;
    Py_BEGIN_ALLOW_THREADS
    ok = run(&job);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&in);
    PyObject *result;
    if (job.imperfect)
        result = Py_NewRef(Py_None);
    else if (ok)
        result = PyBytes_FromStringAndSize((const char *)job.sink.buf, (Py_ssize_t)job.sink.used);
    else
        result = PyErr_Format(PyExc_ValueError, "%s", job.message[0] ? job.message : "failed");
    free(job.sink.buf);
    return result;
}

static PyMethodDef methods[] = {
    {"rotate", rotate, METH_VARARGS, "The lossless rotation of a JPEG (see _rotate.c)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, .m_name = "_rotate", .m_size = -1,
                                    .m_methods = methods};

PyMODINIT_FUNC PyInit__rotate(void) { return PyModule_Create(&module); }
