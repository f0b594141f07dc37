# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Compiled loops over whole Arrow text columns: URL, host and registrable-domain keys, plain
numbers and ISO dates, and replacing some rows of a column.

Every function reads `large_string` columns in place (their offsets and bytes; a chunked column
chunk by chunk, never joined) and writes a new one into memory from Arrow's pool, which hands
freed memory out again: fresh memory from the system is dear, each page costing a fault the first
time it is touched. A key function settles only the rows it was written for and says which those
are; the general code in `bot.urls`, `bot.domains` and `bot.ingest.values`, which defines what a
key or a value is, reads the others and the same write takes its results (the property tests
compare both, value by value). A column that is its own keys is handed back as it is. The loops
hold no Python objects, so they run without the GIL and the chunks of an export are keyed on
every core at once.

Bounds: the offsets of every input are checked against its bytes before a loop starts, every
output buffer is sized to the most its loop can write, and the spans kept between the two URL
passes are checked against the URL they are read with.
"""

import numpy as np
import pyarrow as pa

cimport cython
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint64_t, uintptr_t
from libc.string cimport memchr, memcmp, memcpy


cpdef enum UrlStatus:
    DONE = 0
    WIDE = 1  # settled, but holds non-ASCII text: the caller checks it for Unicode white space
    IDN_HOST = 2  # http(s)://netloc/… whose netloc is not plain ASCII but has no port, user or brackets
    GENERAL = 3  # anything else


cdef uint8_t HOST_BYTE[256]  # A-Z a-z 0-9 . _ -
cdef uint8_t LABEL_BYTE[256]  # a-z 0-9 . _ -
# what a URL's bytes hold, as bits: or-ed over a URL, they settle its status
cdef enum:
    NOT_PLAIN = 1  # a control character, space or DEL; or "@", "[" or "]" in the netloc
    NOT_ASCII_HOST = 2  # in the netloc, a byte that is not an ASCII host-name byte
    NOT_ASCII = 4
    NETLOC_STOP = 8  # where the host name ends: "/", "?", "#" or ":"
cdef uint8_t NETLOC_BYTE[256]
cdef uint8_t NETLOC_END[256]  # / ? #
cdef uint8_t LABEL_CLASS[256]  # 0: a host-name byte, DOT, or NOT_LABEL
cdef uint8_t HOST_CLASS[256]  # 0: a lower-case host-name byte; else NOT_HOST and/or UPPER
cdef enum:
    DOT = 1
    NOT_LABEL = 2
    NOT_HOST = 1
    UPPER = 2
cdef uint8_t QUOTE_SAFE[256]  # what Python's urlencode writes as it is: A-Z a-z 0-9 _ . - ~


def _fill_tables() -> None:
    cdef int b
    for b in range(256):
        lower = 97 <= b <= 122 or 48 <= b <= 57 or b in (46, 95, 45)
        LABEL_BYTE[b] = lower
        HOST_BYTE[b] = lower or 65 <= b <= 90
        url_byte = (NOT_PLAIN if b < 0x21 or b == 0x7F else 0) | (NOT_ASCII if b >= 0x80 else 0)
        NETLOC_BYTE[b] = url_byte | (0 if HOST_BYTE[b] else NOT_ASCII_HOST) | (NOT_PLAIN if b in (0x40, 0x5B, 0x5D) else 0)
        NETLOC_END[b] = b in (0x2F, 0x3F, 0x23)
        NETLOC_BYTE[b] |= NETLOC_STOP if NETLOC_END[b] or b == 0x3A else 0
        LABEL_CLASS[b] = DOT if b == 46 else 0 if LABEL_BYTE[b] else NOT_LABEL
        HOST_CLASS[b] = 0 if LABEL_BYTE[b] else UPPER if HOST_BYTE[b] else NOT_HOST
        QUOTE_SAFE[b] = HOST_BYTE[b] or b == 0x7E


_fill_tables()


@cython.final
cdef class _Column:
    """A `large_string` array without nulls, read in place."""

    cdef const int64_t[::1] offsets
    cdef const uint8_t[::1] data
    cdef readonly int64_t n

    def __init__(self, array) -> None:
        if not isinstance(array, pa.Array) or array.type != pa.large_string():
            raise TypeError(f"expected a large_string array, got {type(array).__name__} of {array.type}")
        if array.null_count:
            raise ValueError("text array with nulls: fill them first")
        self.n = len(array)
        buffers = array.buffers()
        offsets = np.frombuffer(buffers[1], np.int64)[array.offset : array.offset + self.n + 1] if self.n else None
        data = np.frombuffer(buffers[2], np.uint8) if buffers[2] is not None and buffers[2].size else None
        self.offsets = offsets if offsets is not None else np.zeros(1, np.int64)
        self.data = data if data is not None else np.zeros(1, np.uint8)
        cdef int64_t i
        cdef const int64_t* at = &self.offsets[0]
        cdef bint backwards = False
        with nogil:  # branch-free, so the compiler can use vector instructions
            for i in range(self.n):
                backwards |= at[i + 1] < at[i]
        if backwards or at[0] < 0 or at[self.n] > len(self.data):
            raise ValueError("malformed text array: offsets outside its bytes")

    def place(self) -> tuple:
        """Where the values are in memory: equal for two columns only when they are the same values."""
        if self.n == 0:
            return (0, 0, 0)
        return (<uintptr_t>&self.offsets[0], self.n, <uintptr_t>&self.data[0] if self.offsets[self.n] else 0)

    cdef inline int64_t start(self, int64_t i) noexcept nogil:
        return self.offsets[i]

    cdef inline int64_t end(self, int64_t i) noexcept nogil:
        return self.offsets[i + 1]

    cdef inline const uint8_t* at(self, int64_t position) noexcept nogil:
        return &self.data[position]

    cdef inline bint starts(self, int64_t i, const char* prefix, int64_t length) noexcept nogil:
        return self.offsets[i + 1] - self.offsets[i] >= length and memcmp(&self.data[self.offsets[i]], prefix, length) == 0

    def bytes_between(self, int64_t first, int64_t last) -> int:
        return self.offsets[last] - self.offsets[first]


def _pieces(values) -> list:
    """The arrays of a column (a chunked column's chunks, read where they are: joining them would
    be a copy), each as a _Column."""
    return [_Column(c) for c in (values.chunks if isinstance(values, pa.ChunkedArray) else [values])]


def _total_bytes(list pieces) -> int:
    return sum(p.bytes_between(0, p.n) for p in pieces)


def _row_count(list pieces) -> int:
    return sum(p.n for p in pieces)


@cython.final
cdef class _Output:
    """A new `large_string` array of `n` values, written row by row into buffers from Arrow's pool."""

    cdef int64_t[::1] offsets
    cdef uint8_t[::1] data
    cdef int64_t used, n
    cdef object offsets_buffer, data_buffer

    def __init__(self, int64_t n, int64_t capacity) -> None:
        self.n = n
        self.offsets_buffer = pa.allocate_buffer((n + 1) * 8)
        self.data_buffer = pa.allocate_buffer(max(1, capacity))
        self.offsets = np.frombuffer(self.offsets_buffer, np.int64)
        self.data = np.frombuffer(self.data_buffer, np.uint8)
        self.offsets[0] = 0
        self.used = 0

    cdef inline void add(self, const uint8_t* text, int64_t length) noexcept nogil:
        memcpy(&self.data[self.used], text, length)
        self.used += length

    cdef inline void end_row(self, int64_t i) noexcept nogil:
        self.offsets[i + 1] = self.used

    cdef void add_port(self, int64_t port) noexcept nogil:
        """":" and the port in decimal."""
        cdef uint8_t digits[8]
        cdef int count = 0
        while True:
            digits[count] = 48 + port % 10
            count += 1
            port //= 10
            if port == 0:
                break
        self.add(b":", 1)
        while count:
            count -= 1
            self.add(&digits[count], 1)

    cdef void add_host_key(self, const uint8_t* host, int64_t length) noexcept nogil:
        """The host key of ASCII host-name bytes: lower case, no trailing dots, no leading "www."."""
        cdef int64_t i
        while length and host[length - 1] == 46:
            length -= 1
        if length >= 4 and _lower(host[0]) == 119 and _lower(host[1]) == 119 and _lower(host[2]) == 119 \
                and host[3] == 46:
            host += 4
            length -= 4
        cdef uint8_t* out = &self.data[self.used]
        cdef uint8_t b
        for i in range(length):
            b = host[i]
            out[i] = b + 32 if 65 <= b <= 90 else b
        self.used += length

    def array(self):
        return pa.Array.from_buffers(
            pa.large_string(), self.n, [None, self.offsets_buffer, self.data_buffer.slice(0, self.used)]
        )


cdef inline uint8_t _lower(uint8_t b) noexcept nogil:
    return b + 32 if 65 <= b <= 90 else b


cdef uint64_t MULTIPLIER = 0x9E3779B97F4A7C15ULL


cdef inline uint64_t _hash(const uint8_t* text, int64_t length) noexcept nogil:
    """A hash of `length` bytes, eight at a time, mixed so that its low bits (a table slot) depend
    on every byte."""
    cdef uint64_t h = <uint64_t>length * MULTIPLIER, word
    cdef int k
    while length >= 8:
        memcpy(&word, text, 8)
        h = (h ^ word) * MULTIPLIER
        h ^= h >> 29
        text += 8
        length -= 8
    if length:
        word = 0
        for k in range(length):  # not memcpy: a call, for a length known only here
            word |= <uint64_t>text[k] << (8 * k)
        h = (h ^ word) * MULTIPLIER
    h ^= h >> 32
    h *= MULTIPLIER
    return h ^ (h >> 29)


cpdef enum SuffixFlag:
    PUBLIC = 1  # a public suffix
    SPECIAL = 2  # a wildcard or exception rule starts from it: left to the general code
    LONGER = 4  # the end of a longer suffix here: worth reading the next label


@cython.final
cdef class SuffixTable:
    """Domain suffixes and their SuffixFlags, in an open-addressing hash table."""

    cdef int32_t[::1] slots  # suffix index, -1 where empty
    cdef uint64_t[::1] hashes
    cdef uint8_t[::1] flags
    cdef _Column suffixes
    cdef uint64_t mask

    def __init__(self, flags: dict[str, int]) -> None:
        self.suffixes = _Column(pa.array(list(flags), pa.large_string()))
        self.flags = np.array(list(flags.values()), np.uint8) if flags else np.zeros(1, np.uint8)
        size = 16
        while size < 4 * len(flags):
            size *= 2
        self.mask = size - 1
        self.slots = np.full(size, -1, np.int32)
        self.hashes = np.zeros(max(1, len(flags)), np.uint64)
        cdef int64_t r
        cdef uint64_t h, slot
        for r in range(self.suffixes.n):
            h = _hash(self.suffixes.at(self.suffixes.start(r)), self.suffixes.end(r) - self.suffixes.start(r))
            self.hashes[r] = h
            slot = h & self.mask
            while self.slots[slot] >= 0:
                slot = (slot + 1) & self.mask
            self.slots[slot] = r

    cdef uint8_t flags_of(self, const uint8_t* text, int64_t length) noexcept nogil:
        """The flags of the `length` bytes at `text` (0: not here)."""
        cdef uint64_t h = _hash(text, length)
        cdef uint64_t slot = h & self.mask
        cdef int32_t r
        cdef const int64_t* offsets = &self.suffixes.offsets[0]
        while True:
            r = self.slots[slot]
            if r < 0:
                return 0
            if self.hashes[r] == h and offsets[r + 1] - offsets[r] == length \
                    and memcmp(self.suffixes.at(offsets[r]), text, length) == 0:
                return self.flags[r]
            slot = (slot + 1) & self.mask

    def __getitem__(self, suffix: str) -> int:
        encoded = suffix.encode()
        cdef const uint8_t[::1] text = np.frombuffer(encoded or b"\0", np.uint8)
        return self.flags_of(&text[0], len(encoded)) if encoded else 0


cdef struct _UrlParts:
    int64_t netloc, host_end, path, path_end, query, query_end  # where each starts and ends; the query after its "?"
    int64_t port  # -1: none (or empty); -2: not a port urllib accepts


@cython.final
cdef class QueryRules:
    """The tracking parameters a URL key leaves out of its query: names (any case) and name prefixes."""

    cdef SuffixTable names
    cdef _Column prefixes

    def __init__(self, names: list[str], prefixes: list[str]) -> None:
        self.names = SuffixTable(dict.fromkeys((n.lower() for n in names), 1))
        self.prefixes = _Column(pa.array([p.lower() for p in prefixes], pa.large_string()))

    cdef bint tracking(self, const uint8_t* name, int64_t length) noexcept nogil:
        cdef uint8_t lowered[64]
        cdef int64_t j, r, size
        for r in range(self.prefixes.n):
            size = self.prefixes.end(r) - self.prefixes.start(r)
            if length >= size:
                for j in range(size):
                    if _lower(name[j]) != self.prefixes.at(self.prefixes.start(r) + j)[0]:
                        break
                else:
                    return True
        if length > 64:  # longer than any tracking name
            return False
        for j in range(length):
            lowered[j] = _lower(name[j])
        return length > 0 and self.names.flags_of(lowered, length) != 0


cdef enum:
    QUERY_AS_WRITTEN = 0  # no tracking parameter: the query is kept as written
    QUERY_STRIPPED = 1  # tracking parameters to leave out, and the rest writable as urlencode would
    QUERY_GENERAL = 2  # left to the general code: escapes or "+" (names may hide behind them), or
                       # a kept parameter urlencode would write differently


cdef uint8_t _query_kind(const uint8_t* text, int64_t start, int64_t end, QueryRules rules) noexcept nogil:
    """What keying the query [start, end) takes: Python's parse_qsl splits it at "&" (empty
    parts dropped) and each part at its first "="."""
    cdef int64_t j, part = start, equals = -1
    cdef bint dropped = False, plain = True
    for j in range(start, end + 1):
        if j == end or text[j] == 38:  # &
            if j > part:
                if rules.tracking(text + part, (equals if equals >= 0 else j) - part):
                    dropped = True
            part, equals = j + 1, -1
        elif text[j] == 37 or text[j] == 43:  # % +
            return QUERY_GENERAL
        elif text[j] == 61 and equals < 0:  # =
            equals = j
        elif not QUOTE_SAFE[text[j]]:
            plain = False
    if not dropped:
        return QUERY_AS_WRITTEN
    return QUERY_STRIPPED if plain else QUERY_GENERAL


cdef void _add_kept_parameters(_Output out, const uint8_t* text, int64_t start, int64_t end, QueryRules rules) noexcept nogil:
    """The query less its tracking parameters, as urlencode writes the rest: "name=value" joined by "&"."""
    cdef int64_t j, part = start, equals = -1, written = 0
    for j in range(start, end + 1):
        if j == end or text[j] == 38:
            if j > part and not rules.tracking(text + part, (equals if equals >= 0 else j) - part):
                if written:
                    out.add(b"&", 1)
                out.add(text + part, j - part)
                if equals < 0:
                    out.add(b"=", 1)
                written += 1
            part, equals = j + 1, -1
        elif text[j] == 61 and equals < 0:
            equals = j


cdef inline uint8_t _text_bytes(const uint8_t* text, int64_t length) noexcept nogil:
    """NOT_PLAIN when the bytes hold a control character, space or DEL; NOT_ASCII when some are
    not ASCII. One branch-free pass, which the compiler turns into vector instructions."""
    cdef uint8_t low = 0, high = 0, b
    cdef int64_t k
    for k in range(length):
        b = text[k]
        low |= (b <= 0x20) | (b == 0x7F)
        high |= b
    return (NOT_PLAIN if low else 0) | (NOT_ASCII if high & 0x80 else 0)


cdef uint8_t _url_status(_Column urls, int64_t i, _UrlParts* parts, QueryRules rules) noexcept nogil:
    """The URL's UrlStatus; for one settled here, where its parts are."""
    cdef int64_t j, fragment, end = urls.end(i)
    cdef const uint8_t* text = urls.at(0)
    cdef const uint8_t* question
    cdef const uint8_t* hash_mark
    cdef uint8_t seen = 0, kind
    if urls.starts(i, b"https://", 8):
        j = urls.start(i) + 8
    elif urls.starts(i, b"http://", 7):
        j = urls.start(i) + 7
    else:
        return GENERAL
    parts.netloc = j
    while j < end:
        kind = NETLOC_BYTE[text[j]]
        if kind & NETLOC_STOP:
            break
        seen |= kind
        j += 1
    parts.host_end, parts.port = j, -1
    if j < end and text[j] == 58:  # a port: digits, as urllib reads them (none: no port)
        j += 1
        while j < end and not NETLOC_END[text[j]]:
            if not 48 <= text[j] <= 57:
                return GENERAL
            parts.port = (0 if parts.port < 0 else parts.port) * 10 + text[j] - 48 if parts.port != -2 else -2
            if parts.port > 65535:
                parts.port = -2
            j += 1
    parts.path = j
    # the fragment starts at the first "#"; the query at the first "?" before it
    hash_mark = <const uint8_t*>memchr(text + j, 35, end - j)
    fragment = hash_mark - text if hash_mark != NULL else end
    question = <const uint8_t*>memchr(text + j, 63, fragment - j)
    parts.path_end = question - text if question != NULL else fragment
    parts.query = parts.path_end + 1 if question != NULL else fragment
    parts.query_end = fragment
    seen |= _text_bytes(text + j, end - j)
    if seen & NOT_PLAIN:
        return GENERAL
    if seen & NOT_ASCII_HOST:  # the caller keys it once per netloc, when it has only a path
        return IDN_HOST if parts.path_end == end and parts.host_end == parts.path else GENERAL
    if parts.query_end > parts.query and _query_kind(text, parts.query, parts.query_end, rules) == QUERY_GENERAL:
        return GENERAL
    return WIDE if seen & NOT_ASCII else DONE


# Where a settled URL's parts are, kept by `url_statuses` for `url_keys` so that it need not read
# the URL again: four offsets from the URL's start (netloc, host end, path end, query end).
cdef enum:
    SPAN = 4
    READ_AGAIN = 0  # in a span's first field: the parts are not kept (a port or ":", or a URL too long)


cdef inline void _keep_span(uint16_t* span, int64_t start, _UrlParts* parts) noexcept nogil:
    if parts.path != parts.host_end or parts.query_end - start > 0xFFFF:  # a port, even an empty one
        span[0] = READ_AGAIN
        return
    span[0], span[1] = parts.netloc - start, parts.host_end - start
    span[2], span[3] = parts.path_end - start, parts.query_end - start


cdef inline bint _kept_span(const uint16_t* span, int64_t start, int64_t end, _UrlParts* parts) noexcept nogil:
    """The parts `_keep_span` kept; False when there are none, or they do not fit the URL."""
    if span[0] != 7 and span[0] != 8:
        return False
    parts.netloc, parts.host_end = start + span[0], start + span[1]
    parts.path, parts.path_end, parts.query_end = parts.host_end, start + span[2], start + span[3]
    parts.query = parts.path_end + 1 if parts.query_end > parts.path_end else parts.query_end
    parts.port = -1
    return parts.netloc <= parts.host_end <= parts.path_end <= parts.query <= parts.query_end <= end


@cython.final
cdef class UrlSpans:
    """The spans `url_statuses` kept, and the column they belong to."""

    cdef readonly object fields
    cdef readonly tuple source

    def __init__(self, fields, tuple source) -> None:
        self.fields, self.source = fields, source


def url_statuses(urls, QueryRules rules):
    """(UrlStatus of each URL in a column, where the parts of each are). Settled are `http://` or
    `https://` (lower case), an ASCII host name, then an optional path, query and fragment,
    printable text throughout, with a query that is kept as written or whose tracking parameters
    can be left out here."""
    cdef list pieces = _pieces(urls)
    cdef _Column column
    cdef int64_t i, n = _row_count(pieces), base = 0
    cdef _UrlParts parts
    statuses = np.empty(n, np.uint8)
    spans_of = np.frombuffer(pa.allocate_buffer(max(1, n) * SPAN * 2), np.uint16)[: n * SPAN]
    cdef uint8_t[::1] status = statuses
    cdef uint16_t[::1] spans = spans_of
    for column in pieces:
        with nogil:
            for i in range(column.n):
                status[base + i] = _url_status(column, i, &parts, rules)
                if status[base + i] < IDN_HOST:
                    _keep_span(&spans[(base + i) * SPAN], column.start(i), &parts)
                else:
                    spans[(base + i) * SPAN] = READ_AGAIN
        base += column.n
    return statuses, UrlSpans(spans_of, tuple(p.place() for p in pieces))


cdef int64_t _key_urls(
    _Column column, int64_t base, const uint8_t[::1] status, const uint16_t[::1] spans, QueryRules rules,
    _Column keys_in, _Column hosts_in, int64_t* r, _Output keys, _Output hosts,
) noexcept nogil:
    """Key the column's rows into rows base… of the outputs; -1, or the first row whose status
    is settled but which is not a URL keyed here."""
    cdef int64_t i, host_start, query_start
    cdef _UrlParts parts
    cdef const uint8_t* text = column.at(0)
    for i in range(column.n):
        if status[base + i] >= IDN_HOST:
            keys.add(keys_in.at(keys_in.start(r[0])), keys_in.end(r[0]) - keys_in.start(r[0]))
            hosts.add(hosts_in.at(hosts_in.start(r[0])), hosts_in.end(r[0]) - hosts_in.start(r[0]))
            r[0] += 1
        elif not _kept_span(&spans[(base + i) * SPAN], column.start(i), column.end(i), &parts) \
                and _url_status(column, i, &parts, rules) >= IDN_HOST:
            return base + i
        else:
            host_start = hosts.used
            hosts.add_host_key(text + parts.netloc, parts.host_end - parts.netloc)
            if hosts.used > host_start and parts.port != -2:  # a bad port: no key, as url_key
                keys.add(&hosts.data[host_start], hosts.used - host_start)
                if parts.port >= 0 and parts.port != 80 and parts.port != 443:
                    keys.add_port(parts.port)
                if parts.path_end > parts.path:
                    keys.add(text + parts.path, parts.path_end - parts.path)
                else:
                    keys.add(b"/", 1)
                if parts.query_end > parts.query:
                    query_start = keys.used
                    keys.add(b"?", 1)
                    if _query_kind(text, parts.query, parts.query_end, rules) == QUERY_AS_WRITTEN:
                        keys.add(text + parts.query, parts.query_end - parts.query)
                    else:
                        _add_kept_parameters(keys, text, parts.query, parts.query_end, rules)
                    if keys.used == query_start + 1:  # every parameter left out: no "?"
                        keys.used = query_start
        keys.end_row(base + i)
        hosts.end_row(base + i)
    return -1


def url_keys(urls, QueryRules rules, statuses, UrlSpans url_spans, fixed_keys, fixed_hosts):
    """(keys, host keys) of a column of URLs. Rows whose status (from `url_statuses`, with the
    spans) is settled are keyed here: the host key, the path ("/" when there is none), and "?" and the query less
    its tracking parameters when any is left. The others, in order, take their values from
    `fixed_keys` and `fixed_hosts`; a caller may unsettle a row by raising its status, not settle one."""
    cdef list pieces = _pieces(urls)
    cdef _Column keys_in = _Column(fixed_keys), hosts_in = _Column(fixed_hosts), column
    cdef const uint8_t[::1] status = np.ascontiguousarray(statuses, np.uint8)
    cdef int64_t n = _row_count(pieces), fixed = keys_in.n, url_bytes = _total_bytes(pieces)
    if len(statuses) != n or hosts_in.n != fixed or int(np.count_nonzero(statuses >= IDN_HOST)) != fixed:
        raise ValueError(f"{fixed} fixed keys and {hosts_in.n} hosts for {len(statuses)} statuses of {n} URLs")
    if url_spans.source != tuple(p.place() for p in pieces):
        raise ValueError("the spans were read from another column")
    cdef const uint16_t[::1] spans = url_spans.fields if n else np.zeros(SPAN, np.uint16)
    # a settled key is at most its URL less the scheme, plus a "/" and an "=" for each query
    # parameter without one: twice the URLs' bytes is room enough
    cdef _Output keys = _Output(n, 2 * url_bytes + keys_in.bytes_between(0, fixed) + n)
    cdef _Output hosts = _Output(n, url_bytes + hosts_in.bytes_between(0, fixed))
    cdef int64_t base = 0, r = 0, unsettled = -1
    for column in pieces:
        with nogil:
            unsettled = _key_urls(column, base, status, spans, rules, keys_in, hosts_in, &r, keys, hosts)
        if unsettled >= 0:  # a status lowered by the caller: refuse rather than guess
            raise ValueError(f"row {unsettled} is not a URL keyed here, but its status says it is")
        base += column.n
    return keys.array(), hosts.array()


cdef bint _host_statuses(_Column column, int64_t base, uint8_t[::1] unsettled) noexcept nogil:
    """Which values are not keyed here (empty, or a byte that is not an ASCII host-name byte);
    whether every value is its own host key: a lower-case host name with no trailing dot and no
    leading "www." (referring-domain columns mostly are)."""
    cdef int64_t i, j, start, end
    cdef uint8_t seen
    cdef bint own = True
    cdef const uint8_t* text = column.at(0)
    for i in range(column.n):
        start, end = column.start(i), column.end(i)
        seen = 0
        for j in range(start, end):  # branch-free: one table look-up a byte
            seen |= HOST_CLASS[text[j]]
        unsettled[base + i] = end == start or (seen & NOT_HOST) != 0
        own = own and not unsettled[base + i] and not (seen & UPPER) and text[end - 1] != 46 \
            and not column.starts(i, b"www.", 4)
    return own


def host_statuses(values):
    """(unsettled rows, whether the column is its own host keys) of a column of bare host names.
    Settled rows are non-empty and of ASCII letters, digits, ".", "_" and "-" only."""
    cdef list pieces = _pieces(values)
    cdef _Column column
    cdef int64_t base = 0
    cdef bint own = True, piece_own
    unsettled_rows = np.empty(_row_count(pieces), np.bool_)
    cdef uint8_t[::1] unsettled = unsettled_rows.view(np.uint8)
    for column in pieces:
        with nogil:
            piece_own = _host_statuses(column, base, unsettled)
        own = own and piece_own
        base += column.n
    return unsettled_rows, own


def host_keys(values, unsettled_rows, fixed):
    """The host keys of a column of bare host names: settled rows (see `host_statuses`) keyed
    here, lower case, without trailing dots or a leading "www."; the unsettled ones take the
    values of `fixed`, in order."""
    return _write(_pieces(values), unsettled_rows, fixed, HOST_KEY, None)


cdef enum:  # what `_write` makes of a row not taken from the fixed values
    AS_IS = 0
    HOST_KEY = 1
    SUFFIX = 2  # its last `lengths` bytes


def _write(list pieces, rows, fixed, int mode, lengths_of):
    """A new column: where `rows` holds, the next value of `fixed`; elsewhere the row as `mode` says."""
    cdef _Column column, fixed_in = _Column(fixed)
    n = _row_count(pieces)
    count = int(np.count_nonzero(rows))
    if len(rows) != n or count != fixed_in.n:
        raise ValueError(f"{fixed_in.n} values for {count} of {len(rows)} rows, in a column of {n}")
    cdef const uint8_t[::1] from_fixed = np.ascontiguousarray(rows, np.bool_).view(np.uint8)
    cdef const int32_t[::1] lengths = lengths_of if lengths_of is not None else np.zeros(1, np.int32)
    cdef _Output out = _Output(n, _total_bytes(pieces) + fixed_in.bytes_between(0, fixed_in.n))
    cdef int64_t i, base = 0, r = 0, start, length
    for column in pieces:
        with nogil:
            for i in range(column.n):
                start, length = column.start(i), column.end(i) - column.start(i)
                if from_fixed[base + i]:
                    out.add(fixed_in.at(fixed_in.start(r)), fixed_in.end(r) - fixed_in.start(r))
                    r += 1
                elif mode == HOST_KEY:
                    out.add_host_key(column.at(start), length)
                elif mode == SUFFIX:
                    out.add(column.at(start + length - lengths[base + i]), lengths[base + i])
                else:
                    out.add(column.at(start), length)
                out.end_row(base + i)
        base += column.n
    return out.array()


cdef enum:
    MAX_DOTS = 16  # the dots of a host remembered from its end: more than any suffix rule has


cdef bint _domain_lengths(_Column column, int64_t base, SuffixTable suffixes, int32_t[::1] lengths) noexcept nogil:
    """The length of each host's registrable domain, a suffix of it (-1: unsettled); whether
    every settled host is its own, or has none."""
    cdef int64_t i, j, start, end, cut
    cdef int64_t dots[MAX_DOTS]  # where the dots are, from the end
    cdef int count, k, depth, labels
    cdef uint8_t flags
    cdef bint other, looking, unchanged = True
    cdef const uint8_t* text = column.at(0)
    for i in range(column.n):
        start, end = column.start(i), column.end(i)
        if column.starts(i, b"www.", 4):
            start += 4
        other = end == start or text[start] == 46 or text[end - 1] == 46 or 48 <= text[end - 1] <= 57
        count = 0
        j = end - 1
        while not other and j >= start:  # host-name bytes only, no empty label; where the dots are
            while j >= start and not LABEL_CLASS[text[j]]:
                j -= 1
            if j < start:
                break
            if LABEL_CLASS[text[j]] == NOT_LABEL or text[j + 1] == 46:
                other = True
            elif count < MAX_DOTS:
                dots[count] = j
            count += 1
            j -= 1
        labels = count + 1
        # the longest public suffix: read label by label from the end, while a longer rule exists
        depth, looking, k = 1, True, 0
        while not other and looking and k < count:
            if k == MAX_DOTS:
                other = True
                break
            flags = suffixes.flags_of(text + dots[k] + 1, end - dots[k] - 1)
            depth = k + 1 if flags & PUBLIC else depth
            other = (flags & SPECIAL) != 0
            looking = (flags & LONGER) != 0
            k += 1
        if not other and looking:
            flags = suffixes.flags_of(text + start, end - start)
            depth = labels if flags & PUBLIC else depth
            other = (flags & SPECIAL) != 0
        # the domain: the last depth + 1 labels, from the dot before them or the whole host;
        # nothing when the host is itself a public suffix
        cut = end
        if not other and labels > depth:
            cut = start if labels == depth + 1 else dots[depth] + 1 if depth < MAX_DOTS else -1
            other = cut < 0
        lengths[base + i] = -1 if other else end - cut
        unchanged = unchanged and (other or cut == column.start(i) or cut == end)
    return unchanged


def domain_lengths(hosts, SuffixTable suffixes):
    """(lengths, whether every settled host is its own registrable domain or has none) of a column of host keys by
    the Public Suffix List: a registrable domain is the longest public suffix (one label when none
    is known) and one label more, so the end of its host; -1 where the row is unsettled. Settled
    rows are plain lower-case ASCII host names (after one leading "www."), not ending in a digit,
    with no empty label and no SPECIAL suffix."""
    cdef list pieces = _pieces(hosts)
    cdef _Column column
    cdef int64_t base = 0
    lengths_of = np.empty(_row_count(pieces), np.int32)
    cdef int32_t[::1] lengths = lengths_of
    cdef bint own = True, piece_own
    for column in pieces:
        with nogil:
            piece_own = _domain_lengths(column, base, suffixes, lengths)
        own = own and piece_own
        base += column.n
    return lengths_of, own


def registrable_domains(hosts, lengths_of, fixed):
    """Each host's last `lengths` bytes (from `domain_lengths`); unsettled rows (-1) take the
    values of `fixed`, in order."""
    lengths = np.ascontiguousarray(lengths_of, np.int32)
    return _write(_pieces(hosts), lengths < 0, fixed, SUFFIX, lengths)


def longest(values) -> int:
    """The most bytes a value of a text column holds (0 for none)."""
    cdef _Column column
    cdef int64_t i, most = 0
    for column in _pieces(values):
        with nogil:
            for i in range(column.n):
                if column.end(i) - column.start(i) > most:
                    most = column.end(i) - column.start(i)
    return most


def replace_rows(base, rows, replacements):
    """`base` with the rows where `rows` (a numpy bool array) holds taken from `replacements`, in
    order: one copy of each value, where Arrow's `replace_with_mask` goes value by value and a
    concatenation and a `take` copy the column twice."""
    return _write(_pieces(base), rows, replacements, AS_IS, None)


cpdef enum NumberStatus:
    NUMBER = 0
    NO_NUMBER = 1  # empty, or "-"
    UNSETTLED = 2  # any other form: for the general code


cdef double POWERS_OF_TEN[23]


def _fill_powers() -> None:
    cdef int k
    POWERS_OF_TEN[0] = 1.0
    for k in range(1, 23):
        POWERS_OF_TEN[k] = POWERS_OF_TEN[k - 1] * 10.0  # exact up to 10**22


_fill_powers()


cdef enum:
    MAX_RUNS = 8  # runs of digits a settled number has at most


cdef uint8_t _number(const uint8_t* t, int64_t length, double* value) noexcept nogil:
    """A number in one of the plain forms the tools write, read as `bot.ingest.values.number`
    reads it: an optional "-", runs of digits joined by single "," or "." marks, and "%" signs
    after them. Thousands are grouped by one mark, then the other may start decimals ("1,234.5",
    "1.234,5"); a lone mark is a decimal mark ("4,7", "12.50") unless three digits follow a run
    of one to three ("1,240" is a thousand and more). At most 15 digits, and 22 after the mark,
    so that the digits are an exact double and one division rounds as Python's float() does."""
    cdef int64_t runs[MAX_RUNS]  # digits in each run
    cdef uint8_t marks[MAX_RUNS]  # the mark before each run (none before the first)
    cdef int64_t j = 0, count = 0, k, digits = 0, decimals = 0
    cdef uint64_t mantissa = 0
    cdef uint8_t b
    cdef bint negative = False, grouped
    while length and t[length - 1] == 37:  # trailing "%"
        length -= 1
    if length and t[0] == 45:  # -
        negative, j = True, 1
    if j == length:  # "", "-", "%": no number
        return NO_NUMBER
    runs[0] = 0
    while j < length:
        b = t[j]
        if 48 <= b <= 57:
            mantissa = mantissa * 10 + (b - 48)
            digits += 1
            runs[count] += 1
        elif (b == 44 or b == 46) and runs[count] > 0 and count + 1 < MAX_RUNS:  # , .
            count += 1
            marks[count], runs[count] = b, 0
        else:
            return UNSETTLED
        j += 1
    if runs[count] == 0 or digits > 15:  # a mark at the end, or too many digits to be exact
        return UNSETTLED
    # runs[0] .. runs[count], marks[1] .. marks[count]. Thousands, as the tools group them: a first
    # run of one to three digits, then runs of three after the same mark, but the last run may be
    # decimals after the other mark.
    grouped = count >= 1 and runs[0] <= 3 and runs[1] == 3
    for k in range(2, count):
        grouped = grouped and runs[k] == 3 and marks[k] == marks[1]
    if grouped:
        decimals = runs[count] if count >= 2 and marks[count] != marks[1] else 0
    elif count == 1:  # one mark, a decimal one: "4,7", "12.50", "1234,5"
        decimals = runs[1]
    elif count > 1:
        return UNSETTLED
    if decimals > 22:
        return UNSETTLED
    value[0] = (-1.0 if negative else 1.0) * (<double>mantissa / POWERS_OF_TEN[decimals])
    return NUMBER


def plain_numbers(values):
    """(the number in each value, its NumberStatus): `bot.ingest.values.number` for the plain
    forms (see `_number`); UNSETTLED values are left to it."""
    cdef list pieces = _pieces(values)
    cdef _Column column
    cdef int64_t i, n = _row_count(pieces), base = 0
    numbers_of = np.frombuffer(pa.allocate_buffer(max(1, n) * 8), np.float64)[:n]
    statuses = np.empty(n, np.uint8)
    cdef double[::1] number = numbers_of
    cdef uint8_t[::1] status = statuses
    for column in pieces:
        with nogil:
            for i in range(column.n):
                number[base + i] = 0.0
                status[base + i] = _number(column.at(column.start(i)), column.end(i) - column.start(i), &number[base + i])
        base += column.n
    return numbers_of, statuses


def iso_days_only(values) -> bool:
    """Whether every value is empty or an ISO day, `YYYY-MM-DD` (ASCII digits): a date column that
    is its own reading."""
    cdef _Column column
    cdef int64_t i, length
    cdef const uint8_t* text
    cdef bint iso = True
    for column in _pieces(values):
        text = column.at(0)
        with nogil:
            for i in range(column.n):
                length = column.end(i) - column.start(i)
                if length and not (length == 10 and _iso_day(text + column.start(i))):
                    iso = False
                    break
        if not iso:
            return False
    return True


cdef inline bint _digit(uint8_t b) noexcept nogil:
    return <uint8_t>(b - 48) < 10


cdef inline bint _iso_day(const uint8_t* t) noexcept nogil:
    return t[4] == 45 and t[7] == 45 and _digit(t[0]) and _digit(t[1]) and _digit(t[2]) and _digit(t[3]) \
        and _digit(t[5]) and _digit(t[6]) and _digit(t[8]) and _digit(t[9])


def constant_text(value: str, int64_t n):
    """`n` copies of `value` as one `large_string` array."""
    encoded = value.encode()
    cdef const uint8_t[::1] one = np.frombuffer(encoded or b"\0", np.uint8)
    cdef int64_t length = len(encoded), i
    cdef _Output out = _Output(n, n * length)
    with nogil:
        for i in range(n):
            out.add(&one[0], length)
            out.end_row(i)
    return out.array()
