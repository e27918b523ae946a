/* A table from words to the packed token ids of their folded tokens, read without making a
 * Python string per word.
 *
 * Why: fingerprinting a story splits its text into words and looks each word up in a cache
 * of packed ids (token_ids.py). Done with `str.split`, `map(dict.get, ...)` and `bytes.join`,
 * every word becomes a new str object that is hashed once and thrown away: about 70 ns per
 * word, 40 us for an 8 KB Hindi story, a third of its fingerprint. This table hashes the
 * words where they lie in the text and copies the cached ids straight into the result.
 *
 * `WordTable.packed(text)` splits exactly as `str.split()` does (at `Py_UNICODE_ISSPACE`), and
 * returns the concatenated ids of the words, or, when any word is not in the table, the list
 * of those words (so the caller folds them, `add`s them and asks again). Keys are compared as
 * code points, so a word is found whatever the storage width of the text it sits in. Values
 * are bytes objects, owned by the table.
 *
 * `coverage(query, stored)` measures the sentences two packed features share, for verify.py.
 *
 * `features(headline, tokens, mark, scheme)` packs verification's features from a story's
 * packed ids exactly as fingerprint.py's Python code does (sentences cut at `mark`, CRC-32 of
 * each, token counts), without a bytes object, a dict entry and a Python call per sentence.
 *
 * `shingles(ids)` mixes each run of three ids into one 64-bit hash, the MinHash input, as
 * fingerprint.py's numpy code does; with it, ingest does not load numpy at all.
 *
 * `band_keys(signature, spans)` and `candidates(tables, keys, max_bucket)` are index.py's
 * functions of the same names: the LSH lookup every ingested story makes, without a bytes
 * object per band, a list of ids and a Counter per lookup.
 *
 * token_ids.py and fingerprint.py keep pure-Python paths with the same results for an install
 * without a C compiler; the tests hold both equal.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define INITIAL_SLOTS 1024

typedef struct {
    uint64_t hash;
    Py_ssize_t len;
    Py_UCS4 *chars;
    PyObject *value; /* bytes */
} Entry;

/* Open addressing over 4-byte slots that index a dense array of entries: at 200,000 words
 * (the cache's limit) the slots take 2 MB, where slots holding the entries took 16. */
typedef struct {
    PyObject_HEAD
    int32_t *slots; /* -1: empty */
    size_t mask;    /* number of slots - 1, a power of two minus one */
    Entry *entries;
    Py_ssize_t used, cap;
} WordTable;

#define EMPTY (-1)

static inline size_t
slot_of(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)h;
}

typedef struct {
    char *data;
    Py_ssize_t len;
    Py_ssize_t cap;
} Buf;

static int
buf_append(Buf *b, const char *src, Py_ssize_t n)
{
    if (b->len + n > b->cap) {
        Py_ssize_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) {
            cap *= 2;
        }
        char *data = PyMem_Realloc(b->data, (size_t)cap);
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, src, (size_t)n);
    b->len += n;
    return 0;
}

/* The slot holding the word's entry, or the empty slot where it would go. Three copies, one
 * per storage width of the text, so the inner loops read the code units directly. */
#define DEFINE_FIND(NAME, TYPE)                                                             \
    static int32_t *NAME(WordTable *t, uint64_t h, const TYPE *s, Py_ssize_t len)            \
    {                                                                                        \
        size_t i = slot_of(h) & t->mask;                                                     \
        for (;;) {                                                                           \
            int32_t *slot = &t->slots[i];                                                    \
            if (*slot == EMPTY) {                                                            \
                return slot;                                                                 \
            }                                                                                \
            const Entry *e = &t->entries[*slot];                                             \
            if (e->hash == h && e->len == len) {                                             \
                Py_ssize_t k = 0;                                                            \
                while (k < len && e->chars[k] == (Py_UCS4)s[k]) {                            \
                    k++;                                                                     \
                }                                                                            \
                if (k == len) {                                                              \
                    return slot;                                                             \
                }                                                                            \
            }                                                                                \
            i = (i + 1) & t->mask;                                                           \
        }                                                                                    \
    }

DEFINE_FIND(find_ucs1, Py_UCS1)
DEFINE_FIND(find_ucs2, Py_UCS2)
DEFINE_FIND(find_ucs4, Py_UCS4)

/* Walk the words of `s`; append each found word's ids to `out`, and each missing word to
 * `misses` (after the first miss nothing more is appended to `out`). -1 on error. */
#define DEFINE_SCAN(NAME, FIND, TYPE)                                                        \
    static int NAME(WordTable *t, PyObject *text, const TYPE *s, Py_ssize_t n, Buf *out,     \
                    PyObject *misses)                                                        \
    {                                                                                        \
        Py_ssize_t i = 0;                                                                    \
        while (i < n) {                                                                      \
            while (i < n && Py_UNICODE_ISSPACE(s[i])) {                                      \
                i++;                                                                         \
            }                                                                                \
            if (i >= n) {                                                                    \
                break;                                                                       \
            }                                                                                \
            Py_ssize_t start = i;                                                            \
            uint64_t h = FNV_OFFSET;                                                         \
            while (i < n && !Py_UNICODE_ISSPACE(s[i])) {                                     \
                h = (h ^ (uint64_t)s[i]) * FNV_PRIME;                                        \
                i++;                                                                         \
            }                                                                                \
            int32_t *slot = FIND(t, h, s + start, i - start);                                \
            if (*slot != EMPTY) {                                                            \
                if (PyList_GET_SIZE(misses) == 0) {                                          \
                    PyObject *v = t->entries[*slot].value;                                   \
                    if (buf_append(out, PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v)) < 0) {    \
                        return -1;                                                           \
                    }                                                                        \
                }                                                                            \
                continue;                                                                    \
            }                                                                                \
            PyObject *word = PyUnicode_Substring(text, start, i);                            \
            if (word == NULL) {                                                              \
                return -1;                                                                   \
            }                                                                                \
            int rc = PyList_Append(misses, word);                                            \
            Py_DECREF(word);                                                                 \
            if (rc < 0) {                                                                    \
                return -1;                                                                   \
            }                                                                                \
        }                                                                                    \
        return 0;                                                                            \
    }

DEFINE_SCAN(scan_ucs1, find_ucs1, Py_UCS1)
DEFINE_SCAN(scan_ucs2, find_ucs2, Py_UCS2)
DEFINE_SCAN(scan_ucs4, find_ucs4, Py_UCS4)

static int
grow(WordTable *t)
{
    size_t n = (t->mask + 1) * 2;
    int32_t *slots = PyMem_Malloc(sizeof(int32_t) * n);
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(slots, 0xFF, sizeof(int32_t) * n);
    for (Py_ssize_t e = 0; e < t->used; e++) {
        size_t j = slot_of(t->entries[e].hash) & (n - 1);
        while (slots[j] != EMPTY) {
            j = (j + 1) & (n - 1);
        }
        slots[j] = (int32_t)e;
    }
    PyMem_Free(t->slots);
    t->slots = slots;
    t->mask = n - 1;
    return 0;
}

static void
drop_all(WordTable *t)
{
    for (Py_ssize_t e = 0; e < t->used; e++) {
        PyMem_Free(t->entries[e].chars);
        Py_DECREF(t->entries[e].value);
    }
    PyMem_Free(t->entries);
    PyMem_Free(t->slots);
    t->entries = NULL;
    t->slots = NULL;
    t->used = t->cap = 0;
}

static int
reset(WordTable *t)
{
    drop_all(t);
    t->slots = PyMem_Malloc(sizeof(int32_t) * INITIAL_SLOTS);
    if (t->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(t->slots, 0xFF, sizeof(int32_t) * INITIAL_SLOTS);
    t->mask = INITIAL_SLOTS - 1;
    return 0;
}

static int
WordTable_init(WordTable *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, ":WordTable", kwlist)) {
        return -1;
    }
    return reset(self);
}

static void
WordTable_dealloc(WordTable *self)
{
    drop_all(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
WordTable_packed(WordTable *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "packed() takes a str, not %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (self->slots == NULL && reset(self) < 0) {
        return NULL;
    }
    PyObject *misses = PyList_New(0);
    if (misses == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Buf out = {NULL, 0, 0};
    int rc;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        rc = scan_ucs1(self, text, PyUnicode_1BYTE_DATA(text), n, &out, misses);
        break;
    case PyUnicode_2BYTE_KIND:
        rc = scan_ucs2(self, text, PyUnicode_2BYTE_DATA(text), n, &out, misses);
        break;
    default:
        rc = scan_ucs4(self, text, PyUnicode_4BYTE_DATA(text), n, &out, misses);
        break;
    }
    PyObject *result;
    if (rc < 0) {
        result = NULL;
    }
    else if (PyList_GET_SIZE(misses) > 0) {
        Py_INCREF(misses);
        result = misses;
    }
    else {
        result = PyBytes_FromStringAndSize(out.data ? out.data : "", out.len);
    }
    PyMem_Free(out.data);
    Py_DECREF(misses);
    return result;
}

static PyObject *
WordTable_add(WordTable *self, PyObject *args)
{
    PyObject *word, *value;
    if (!PyArg_ParseTuple(args, "UO!:add", &word, &PyBytes_Type, &value)) {
        return NULL;
    }
    if (self->slots == NULL && reset(self) < 0) {
        return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(word);
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    uint64_t h = FNV_OFFSET;
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, k);
        if (Py_UNICODE_ISSPACE(ch)) {
            PyErr_SetString(PyExc_ValueError, "add() takes one word: no whitespace in it");
            return NULL;
        }
        h = (h ^ (uint64_t)ch) * FNV_PRIME;
    }
    if (len == 0) {
        PyErr_SetString(PyExc_ValueError, "add() takes one word, not an empty string");
        return NULL;
    }
    int32_t *slot;
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        slot = find_ucs1(self, h, (const Py_UCS1 *)data, len);
        break;
    case PyUnicode_2BYTE_KIND:
        slot = find_ucs2(self, h, (const Py_UCS2 *)data, len);
        break;
    default:
        slot = find_ucs4(self, h, (const Py_UCS4 *)data, len);
        break;
    }
    if (*slot != EMPTY) {
        Entry *e = &self->entries[*slot];
        PyObject *old = e->value;
        Py_INCREF(value);
        e->value = value;
        Py_DECREF(old);
        Py_RETURN_NONE;
    }
    if (self->used >= INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "add(): the word table is full");
        return NULL;
    }
    if (self->used == self->cap) {
        Py_ssize_t cap = self->cap ? self->cap * 2 : INITIAL_SLOTS / 2;
        Entry *entries = PyMem_Realloc(self->entries, sizeof(Entry) * (size_t)cap);
        if (entries == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        self->entries = entries;
        self->cap = cap;
    }
    Py_UCS4 *chars = PyUnicode_AsUCS4Copy(word);
    if (chars == NULL) {
        return NULL;
    }
    Entry *e = &self->entries[self->used];
    e->hash = h;
    e->len = len;
    e->chars = chars;
    Py_INCREF(value);
    e->value = value;
    *slot = (int32_t)self->used++;
    if ((size_t)self->used * 2 > self->mask + 1 && grow(self) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
WordTable_clear(WordTable *self, PyObject *Py_UNUSED(ignored))
{
    if (reset(self) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static Py_ssize_t
WordTable_len(WordTable *self)
{
    return self->used;
}

static PyMethodDef WordTable_methods[] = {
    {"packed", (PyCFunction)WordTable_packed, METH_O,
     "packed(text) -> bytes | list[str]: the words' values joined, or the words not in the "
     "table."},
    {"add", (PyCFunction)WordTable_add, METH_VARARGS,
     "add(word, value): remember the bytes value of one word (replacing any)."},
    {"clear", (PyCFunction)WordTable_clear, METH_NOARGS, "clear(): forget every word."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods WordTable_as_sequence = {
    .sq_length = (lenfunc)WordTable_len,
};

static PyTypeObject WordTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "wiredesk.syndication._native.WordTable",
    .tp_doc = "Words to bytes, looked up where the words lie in a text.",
    .tp_basicsize = sizeof(WordTable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)WordTable_init,
    .tp_dealloc = (destructor)WordTable_dealloc,
    .tp_methods = WordTable_methods,
    .tp_as_sequence = &WordTable_as_sequence,
};


/* --- features ------------------------------------------------------------------------- */

/* CRC-32 as zlib computes it (reflected 0xEDB88320), eight bytes at a time. */
static uint32_t crc_table[8][256];

static void
crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        }
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
        }
    }
}

static uint32_t
crc32_of(const unsigned char *p, Py_ssize_t n)
{
    uint32_t c = 0xFFFFFFFFU;
    while (n >= 8) {
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                           (uint32_t)p[3] << 24);
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
            crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^ crc_table[3][p[4]] ^
            crc_table[2][p[5]] ^ crc_table[1][p[6]] ^ crc_table[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) {
        c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFU;
}

#define MAX_SENTENCES 65535 /* the count is a uint16 in the packed form */

static void
put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static PyObject *
native_features(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer head, toks, mark;
    int scheme;
    if (!PyArg_ParseTuple(args, "y*y*y*i:features", &head, &toks, &mark, &scheme)) {
        return NULL;
    }
    PyObject *result = NULL;
    uint32_t *hashes = NULL, *lens = NULL;
    int32_t *slots = NULL;
    if (mark.len == 0) {
        PyErr_SetString(PyExc_ValueError, "features(): empty sentence mark");
        goto done;
    }
    /* Distinct sentences, in order of first appearance; a repeated hash keeps its first
     * position and takes the later length (as a dict built from pairs does). */
    Py_ssize_t cap = toks.len / (mark.len + 1) + 2, n = 0;
    if (cap > MAX_SENTENCES) {
        cap = MAX_SENTENCES;
    }
    size_t nslots = 16;
    while (nslots < (size_t)cap * 2) {
        nslots *= 2;
    }
    hashes = PyMem_Malloc(sizeof(uint32_t) * (size_t)cap);
    lens = PyMem_Malloc(sizeof(uint32_t) * (size_t)cap);
    slots = PyMem_Malloc(sizeof(int32_t) * nslots);
    if (hashes == NULL || lens == NULL || slots == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memset(slots, 0xFF, sizeof(int32_t) * nslots);
    const unsigned char *t = toks.buf, *m = mark.buf;
    Py_ssize_t len = toks.len, mlen = mark.len, start = 0, i = 0;
    for (;;) {
        /* the next mark at or after i (bytes.split: non-overlapping, left to right) */
        Py_ssize_t at = -1;
        while (i + mlen <= len) {
            const unsigned char *hit = memchr(t + i, m[0], (size_t)(len - mlen - i + 1));
            if (hit == NULL) {
                break;
            }
            Py_ssize_t j = hit - t;
            if (memcmp(hit, m, (size_t)mlen) == 0) {
                at = j;
                break;
            }
            i = j + 1;
        }
        Py_ssize_t end = at < 0 ? len : at;
        if (end > start) {
            uint32_t h = crc32_of(t + start, end - start), w = (uint32_t)(end - start);
            size_t k = (size_t)slot_of(h) & (nslots - 1);
            while (slots[k] >= 0 && hashes[slots[k]] != h) {
                k = (k + 1) & (nslots - 1);
            }
            if (slots[k] >= 0) {
                lens[slots[k]] = w;
            }
            else if (n < cap) {
                slots[k] = (int32_t)n;
                hashes[n] = h;
                lens[n] = w;
                n++;
            }
        }
        if (at < 0) {
            break;
        }
        start = i = at + mlen;
    }
    /* scheme, headline hash, headline weight, count; hashes; weights */
    result = PyBytes_FromStringAndSize(NULL, 8 + 5 * n);
    if (result == NULL) {
        goto done;
    }
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
    Py_ssize_t hw = head.len >> 3;
    out[0] = (unsigned char)scheme;
    put_u32(out + 1, crc32_of(head.buf, head.len));
    out[5] = (unsigned char)(hw > 255 ? 255 : hw);
    out[6] = (unsigned char)n;
    out[7] = (unsigned char)(n >> 8);
    for (Py_ssize_t s = 0; s < n; s++) {
        put_u32(out + 8 + 4 * s, hashes[s]);
        out[8 + 4 * n + s] = (unsigned char)(lens[s] < 2040 ? lens[s] >> 3 : 255);
    }
done:
    PyMem_Free(hashes);
    PyMem_Free(lens);
    PyMem_Free(slots);
    PyBuffer_Release(&head);
    PyBuffer_Release(&toks);
    PyBuffer_Release(&mark);
    return result;
}


/* How much of two stories' text is shared, from their packed features (the form `features`
 * makes): (query tokens in shared sentences, query tokens, stored tokens in shared
 * sentences, stored tokens, shared sentences); a shared headline counts on both sides.
 * verify.py turns it into a verdict; decoding both blobs into dicts first cost more than
 * the comparison itself. */
typedef struct {
    uint32_t head;
    unsigned head_w;
    Py_ssize_t n;
    const unsigned char *hashes, *weights;
    unsigned long long weight;
} Packed;

static int
read_packed(const Py_buffer *b, Packed *p)
{
    const unsigned char *c = b->buf;
    if (b->len < 8) {
        goto bad;
    }
    p->head = (uint32_t)c[1] | (uint32_t)c[2] << 8 | (uint32_t)c[3] << 16 | (uint32_t)c[4] << 24;
    p->head_w = c[5];
    p->n = (Py_ssize_t)c[6] | (Py_ssize_t)c[7] << 8;
    if (b->len < 8 + 5 * p->n) {
        goto bad;
    }
    p->hashes = c + 8;
    p->weights = c + 8 + 4 * p->n;
    p->weight = p->head_w;
    for (Py_ssize_t i = 0; i < p->n; i++) {
        p->weight += p->weights[i];
    }
    return 0;
bad:
    PyErr_Format(PyExc_ValueError, "coverage(): %zd bytes are not packed features", b->len);
    return -1;
}

static inline uint32_t
hash_at(const Packed *p, Py_ssize_t i)
{
    const unsigned char *h = p->hashes + 4 * i;
    return (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
}

static PyObject *
native_coverage(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer qb, sb;
    if (!PyArg_ParseTuple(args, "y*y*:coverage", &qb, &sb)) {
        return NULL;
    }
    PyObject *result = NULL;
    int32_t small[512], *slots = small;
    Packed q, s;
    if (read_packed(&qb, &q) < 0 || read_packed(&sb, &s) < 0) {
        goto done;
    }
    /* index the stored side's sentences, then walk the query's */
    size_t nslots = 16;
    while (nslots < (size_t)s.n * 2) {
        nslots *= 2;
    }
    if (nslots > 512) {
        slots = PyMem_Malloc(sizeof(int32_t) * nslots);
        if (slots == NULL) {
            PyErr_NoMemory();
            goto done;
        }
    }
    memset(slots, 0xFF, sizeof(int32_t) * nslots);
    for (Py_ssize_t i = 0; i < s.n; i++) {
        uint32_t h = hash_at(&s, i);
        size_t k = slot_of(h) & (nslots - 1);
        while (slots[k] >= 0 && hash_at(&s, slots[k]) != h) {
            k = (k + 1) & (nslots - 1);
        }
        slots[k] = (int32_t)i; /* a repeated hash: the later weight, as in a dict */
    }
    unsigned long long shared_q = 0, shared_s = 0;
    Py_ssize_t common = 0;
    for (Py_ssize_t i = 0; i < q.n; i++) {
        uint32_t h = hash_at(&q, i);
        size_t k = slot_of(h) & (nslots - 1);
        while (slots[k] >= 0 && hash_at(&s, slots[k]) != h) {
            k = (k + 1) & (nslots - 1);
        }
        if (slots[k] >= 0) {
            shared_q += q.weights[i];
            shared_s += s.weights[slots[k]];
            common++;
        }
    }
    if (q.head == s.head) {
        shared_q += q.head_w;
        shared_s += s.head_w;
    }
    result = Py_BuildValue("(KKKKn)", shared_q, q.weight, shared_s, s.weight, common);
done:
    if (slots != small) {
        PyMem_Free(slots);
    }
    PyBuffer_Release(&qb);
    PyBuffer_Release(&sb);
    return result;
}

/* splitmix64's odd constants, as fingerprint.py's _K1, _K2, _K3 */
#define MIX_K1 0x9E3779B97F4A7C15ULL
#define MIX_K2 0xBF58476D1CE4E5B9ULL
#define MIX_K3 0x94D049BB133111EBULL

static inline uint64_t
load_le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static PyObject *
native_shingles(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer ib;
    if (!PyArg_ParseTuple(args, "y*:shingles", &ib)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (ib.len % 8 != 0) {
        PyErr_SetString(PyExc_ValueError, "shingles: packed ids must be a multiple of 8 bytes");
        goto done;
    }
    Py_ssize_t n = ib.len / 8;
    const unsigned char *p = ib.buf;
    uint64_t pad[3] = {0, 0, 0};
    if (n == 0) {
        result = PyBytes_FromStringAndSize(NULL, 0);
        goto done;
    }
    if (n < 3) { /* fewer ids than a shingle: one shingle, padded with zero ids */
        for (Py_ssize_t i = 0; i < n; i++) {
            pad[i] = load_le64(p + 8 * i);
        }
        n = 3;
    }
    result = PyBytes_FromStringAndSize(NULL, (n - 2) * (Py_ssize_t)sizeof(uint64_t));
    if (result == NULL) {
        goto done;
    }
    uint64_t *out = (uint64_t *)PyBytes_AS_STRING(result);
    uint64_t a, b, c;
    if (ib.len < 24) {
        a = pad[0], b = pad[1], c = pad[2];
    }
    else {
        a = load_le64(p), b = load_le64(p + 8), c = load_le64(p + 16);
    }
    for (Py_ssize_t i = 0;; i++) {
        uint64_t h = ((a * MIX_K1) ^ b) * MIX_K2;
        h = (h ^ c) * MIX_K3;
        out[i] = h ^ (h >> 32);
        if (i + 3 >= n) {
            break;
        }
        a = b, b = c, c = load_le64(p + 8 * (i + 3));
    }
done:
    PyBuffer_Release(&ib);
    return result;
}

static PyObject *
native_band_keys(PyObject *Py_UNUSED(module), PyObject *args)
{
    Py_buffer sb;
    PyObject *spans;
    if (!PyArg_ParseTuple(args, "y*O!:band_keys", &sb, &PyList_Type, &spans)) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(spans);
    PyObject *keys = PyList_New(n);
    if (keys == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *span = PyList_GET_ITEM(spans, i);
        Py_ssize_t a, b;
        if (!PyTuple_Check(span) || !PyArg_ParseTuple(span, "nn", &a, &b)) {
            PyErr_SetString(PyExc_TypeError, "band_keys: spans are (start, end) pairs");
            Py_CLEAR(keys);
            goto done;
        }
        if (a < 0 || b < a || b > sb.len) {
            a = b = 0; /* as Python's slicing of a too-short signature: here, never */
        }
        /* hash(signature[a:b]) + i, as Python computes it: the bytes hash of the band */
        Py_hash_t h = _Py_HashBytes((const char *)sb.buf + a, b - a);
        PyObject *key;
        if (h <= PY_SSIZE_T_MAX - i) {
            key = PyLong_FromSsize_t(h + i);
        }
        else { /* past 64 bits: Python's int would grow, so let it */
            PyObject *hp = PyLong_FromSsize_t(h), *ip = PyLong_FromSsize_t(i);
            key = (hp && ip) ? PyNumber_Add(hp, ip) : NULL;
            Py_XDECREF(hp);
            Py_XDECREF(ip);
        }
        if (key == NULL) {
            Py_CLEAR(keys);
            goto done;
        }
        PyList_SET_ITEM(keys, i, key);
    }
done:
    PyBuffer_Release(&sb);
    return keys;
}

/* A growable array of item ids. */
typedef struct {
    Py_ssize_t *v;
    Py_ssize_t n, cap;
    Py_ssize_t small[256];
} Ids;

static int
ids_push(Ids *ids, Py_ssize_t id)
{
    if (ids->n == ids->cap) {
        Py_ssize_t cap = ids->cap * 2;
        Py_ssize_t *v = PyMem_Malloc(sizeof(Py_ssize_t) * cap);
        if (v == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(v, ids->v, sizeof(Py_ssize_t) * ids->n);
        if (ids->v != ids->small) {
            PyMem_Free(ids->v);
        }
        ids->v = v;
        ids->cap = cap;
    }
    ids->v[ids->n++] = id;
    return 0;
}

static int
push_held(Ids *ids, PyObject *held, Py_ssize_t max_bucket)
{
    if (PyLong_CheckExact(held)) {
        Py_ssize_t id = PyLong_AsSsize_t(held);
        return (id == -1 && PyErr_Occurred()) ? -1 : ids_push(ids, id);
    }
    if (!PyList_CheckExact(held)) {
        PyErr_SetString(PyExc_TypeError, "candidates: a bucket holds an int or a list of ints");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(held);
    if (n > max_bucket) { /* boilerplate: skipped */
        return 0;
    }
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t id = PyLong_AsSsize_t(PyList_GET_ITEM(held, j));
        if ((id == -1 && PyErr_Occurred()) || ids_push(ids, id) < 0) {
            return -1;
        }
    }
    return 0;
}

static PyObject *
native_candidates(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *tables, *keys;
    Py_ssize_t max_bucket;
    if (!PyArg_ParseTuple(args, "O!O!n:candidates", &PyTuple_Type, &tables, &PyList_Type, &keys,
                          &max_bucket)) {
        return NULL;
    }
    PyObject *result = NULL;
    Ids ids = {.v = ids.small, .n = 0, .cap = 256};
    Py_ssize_t *order = NULL, *counts = NULL, *slots = NULL, *byc = NULL;
    for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(tables); t++) {
        PyObject *table = PyTuple_GET_ITEM(tables, t);
        if (!PyDict_Check(table)) {
            PyErr_SetString(PyExc_TypeError, "candidates: tables are dicts");
            goto done;
        }
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(keys); k++) {
            PyObject *held = PyDict_GetItemWithError(table, PyList_GET_ITEM(keys, k));
            if (held == NULL) {
                if (PyErr_Occurred()) {
                    goto done;
                }
                continue;
            }
            if (push_held(&ids, held, max_bucket) < 0) {
                goto done;
            }
        }
    }
    /* Count each id, keeping the order in which ids first appear (as Counter does). */
    size_t nslots = 16;
    while (nslots < (size_t)ids.n * 2) {
        nslots *= 2;
    }
    order = PyMem_Malloc(sizeof(Py_ssize_t) * (ids.n + 1));
    counts = PyMem_Malloc(sizeof(Py_ssize_t) * (ids.n + 1));
    slots = PyMem_Malloc(sizeof(Py_ssize_t) * nslots);
    if (order == NULL || counts == NULL || slots == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memset(slots, 0xFF, sizeof(Py_ssize_t) * nslots);
    Py_ssize_t unique = 0, most = 0;
    for (Py_ssize_t i = 0; i < ids.n; i++) {
        Py_ssize_t id = ids.v[i];
        size_t k = slot_of((uint64_t)id) & (nslots - 1);
        while (slots[k] >= 0 && order[slots[k]] != id) {
            k = (k + 1) & (nslots - 1);
        }
        if (slots[k] < 0) {
            slots[k] = unique;
            order[unique] = id;
            counts[unique++] = 0;
        }
        Py_ssize_t c = ++counts[slots[k]];
        if (c > most) {
            most = c;
        }
    }
    /* Most shared first, ties in order of first appearance: a stable counting sort, which
     * is what `Counter.most_common()` (a stable sort, descending) gives. */
    byc = PyMem_Calloc(most + 2, sizeof(Py_ssize_t));
    if (byc == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t u = 0; u < unique; u++) {
        byc[most - counts[u] + 1]++;
    }
    for (Py_ssize_t c = 1; c <= most + 1; c++) {
        byc[c] += byc[c - 1];
    }
    result = PyList_New(unique);
    if (result == NULL) {
        goto done;
    }
    for (Py_ssize_t u = 0; u < unique; u++) {
        PyObject *pair = Py_BuildValue("(nn)", order[u], counts[u]);
        if (pair == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, byc[most - counts[u]]++, pair);
    }
done:
    if (ids.v != ids.small) {
        PyMem_Free(ids.v);
    }
    PyMem_Free(order);
    PyMem_Free(counts);
    PyMem_Free(slots);
    PyMem_Free(byc);
    return result;
}

static PyMethodDef native_functions[] = {
    {"features", native_features, METH_VARARGS,
     "features(headline, tokens, mark, scheme) -> bytes: fingerprint.features' packed form."},
    {"shingles", native_shingles, METH_VARARGS,
     "shingles(ids) -> bytes: one native uint64 hash per run of three little-endian ids."},
    {"band_keys", native_band_keys, METH_VARARGS,
     "band_keys(signature, spans) -> [hash(signature[a:b]) + i for i, (a, b) in spans]."},
    {"candidates", native_candidates, METH_VARARGS,
     "candidates(tables, keys, max_bucket) -> [(id, shared bands)], most shared first."},
    {"coverage", native_coverage, METH_VARARGS,
     "coverage(query, stored) -> (shared query tokens, query tokens, shared stored tokens, "
     "stored tokens, shared sentences), from packed features."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "wiredesk.syndication._native",
    .m_doc = "The native parts of the near-duplicate engine: word table and features.",
    .m_size = -1,
    .m_methods = native_functions,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    crc_init();
    if (PyType_Ready(&WordTableType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&native_module);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&WordTableType);
    if (PyModule_AddObject(m, "WordTable", (PyObject *)&WordTableType) < 0) {
        Py_DECREF(&WordTableType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
