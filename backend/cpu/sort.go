package cpu

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/ember-ml/ember/backend"
)

// Sort writes the first k elements of every run of src along dim, in order, and their
// positions. Each element becomes an entry: an unsigned key whose order is the wanted order
// (NaN largest, -0 as +0, inverted when descending) and its position. A full sort is a stable
// LSD radix sort of the entries (insertion sort for short runs); a partial one keeps a heap of
// the k best for small k and otherwise selects (quickselect) before sorting the k. Runs are
// spread over goroutines when there are many elements.
func (Backend) Sort(dst, idx backend.Storage, src backend.Storage, srcL backend.Layout, dim, k int, desc bool) {
	ix := data[int64](idx)
	switch s := src.(type) {
	case *Storage[float32]:
		sortRuns(data[float32](dst), ix, s.Data, srcL, dim, k, desc, fillFloat32, 32)
	case *Storage[float64]:
		sortRuns(data[float64](dst), ix, s.Data, srcL, dim, k, desc, fillFloat64, 64)
	case *Storage[int64]:
		sortRuns(data[int64](dst), ix, s.Data, srcL, dim, k, desc, fillInt64, 64)
	case *Storage[bool]:
		b := make([]int64, len(s.Data))
		for i, v := range s.Data {
			if v {
				b[i] = 1
			}
		}
		out := make([]int64, len(ix))
		sortRuns(out, ix, b, srcL, dim, k, desc, fillInt64, 64)
		d := data[bool](dst)
		for i, v := range out {
			d[i] = v != 0
		}
	}
}

// entry is an element's sort key and its position along the sorted dim.
type entry struct {
	k uint64
	i uint32
}

// less orders entries by key, then position: the output order.
func less(a, b entry) bool { return a.k < b.k || (a.k == b.k && a.i < b.i) }

func compareEntries(a, b entry) int {
	if less(a, b) {
		return -1
	}
	if less(b, a) {
		return 1
	}
	return 0
}

// The key fillers write the entries of a run (src[off + i·stride] for i < len(buf)) in
// position order, with keys in ascending order of the values, xor flip (to descend): floats
// by their bits with the sign folded (-0 as +0, every NaN as the largest key), int64 with its
// sign bit flipped.

func fillFloat32(buf []entry, src []float32, off, stride int, flip uint64) {
	for i := range buf {
		x := src[off+i*stride]
		b := math.Float32bits(x)
		if b<<1 == 0 { // -0 as +0
			b = 0
		}
		b ^= uint32(int32(b)>>31) | 1<<31 // negatives: all bits; others: the sign bit
		if x != x {
			b = math.MaxUint32
		}
		buf[i] = entry{uint64(b) ^ flip, uint32(i)}
	}
}

func fillFloat64(buf []entry, src []float64, off, stride int, flip uint64) {
	for i := range buf {
		x := src[off+i*stride]
		b := math.Float64bits(x)
		if b<<1 == 0 {
			b = 0
		}
		b ^= uint64(int64(b)>>63) | 1<<63
		if x != x {
			b = math.MaxUint64
		}
		buf[i] = entry{b ^ flip, uint32(i)}
	}
}

func fillInt64(buf []entry, src []int64, off, stride int, flip uint64) {
	for i := range buf {
		buf[i] = entry{uint64(src[off+i*stride]) ^ 1<<63 ^ flip, uint32(i)}
	}
}

// sortMinWork is the number of elements below which Sort runs on the calling goroutine.
const sortMinWork = 1 << 15

// sortRuns sorts every run; fill makes a run's entries, whose keys are width bits wide.
func sortRuns[T number](dst []T, idx []int64, src []T, l backend.Layout, dim, k int, desc bool,
	fill func(buf []entry, src []T, off, stride int, flip uint64), width int) {
	n, stride := l.Shape[dim], l.Strides[dim]
	if uint64(n) > math.MaxUint32 {
		panic(fmt.Sprintf("cpu: sort: dim of %d elements is too long", n))
	}
	// The other dims, in order: run r (row-major over them) starts at the source offset of
	// its multi-index and at dst[o·k·inner + q], where r = o·inner + q.
	var shape, strides []int
	inner := 1
	for d, s := range l.Shape {
		if d == dim {
			continue
		}
		shape = append(shape, s)
		strides = append(strides, l.Strides[d])
		if d > dim {
			inner *= s
		}
	}
	runs := backend.Numel(shape)
	if runs == 0 || k == 0 {
		return
	}
	flip := uint64(0)
	if desc {
		flip = math.MaxUint64 >> (64 - width)
	}
	work := func(lo, hi int) {
		buf, tmp := make([]entry, n), make([]entry, n)
		for r := lo; r < hi; r++ {
			off, rem := l.Offset, r
			for d := len(shape) - 1; d >= 0; d-- {
				off += rem % shape[d] * strides[d]
				rem /= shape[d]
			}
			fill(buf, src, off, stride, flip)
			best := selectBest(buf, tmp, k, width)
			base := r/inner*k*inner + r%inner
			for i, e := range best {
				dst[base+i*inner] = src[off+int(e.i)*stride]
				idx[base+i*inner] = int64(e.i)
			}
		}
	}
	workers := min(Threads(), runs, max(1, runs*n/sortMinWork))
	if workers <= 1 {
		work(0, runs)
		return
	}
	parallelFor(workers, func(w int) { work(w*runs/workers, (w+1)*runs/workers) })
}

// heapMaxK is the largest k for which a partial sort keeps a heap of the k best.
const heapMaxK = 64

// selectBest reorders buf (entries in position order; tmp is scratch of its length) and
// returns its k first entries in order.
func selectBest(buf, tmp []entry, k, width int) []entry {
	switch {
	case k >= len(buf)/2:
		return radixSort(buf, tmp, width)[:k]
	case k <= heapMaxK:
		heapBest(buf, k)
	default:
		quickselect(buf, k, bits.Len(uint(len(buf)))*2)
	}
	slices.SortFunc(buf[:k], compareEntries)
	return buf[:k]
}

// radixShort is the run length below which radixSort sorts by insertion.
const radixShort = 48

// radixSort sorts entries in position order by key, stably (so equal keys stay in position
// order), with one counting pass per byte of the key; it skips bytes that all keys share. It
// returns whichever of buf and tmp holds the result.
func radixSort(buf, tmp []entry, width int) []entry {
	if len(buf) <= radixShort {
		for i := 1; i < len(buf); i++ {
			e := buf[i]
			j := i
			for ; j > 0 && e.k < buf[j-1].k; j-- {
				buf[j] = buf[j-1]
			}
			buf[j] = e
		}
		return buf
	}
	var count [256]int
	for shift := 0; shift < width; shift += 8 {
		clear(count[:])
		for _, e := range buf {
			count[byte(e.k>>shift)]++
		}
		if count[byte(buf[0].k>>shift)] == len(buf) {
			continue
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for _, e := range buf {
			d := byte(e.k >> shift)
			tmp[count[d]] = e
			count[d]++
		}
		buf, tmp = tmp, buf
	}
	return buf
}

// heapBest moves the k best entries of buf into buf[:k] (in no order): buf[:k] is a heap
// whose root is the worst of the best seen so far, which each later entry must beat.
func heapBest(buf []entry, k int) {
	h := buf[:k]
	for i := k/2 - 1; i >= 0; i-- {
		siftWorst(h, i)
	}
	for _, e := range buf[k:] {
		if less(e, h[0]) {
			h[0] = e
			siftWorst(h, 0)
		}
	}
}

// siftWorst restores the heap property below i: every parent comes after its children.
func siftWorst(h []entry, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && less(h[c], h[c+1]) {
			c++
		}
		if !less(h[i], h[c]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// quickselect reorders buf so that buf[:k] holds its k best entries (in no order), with
// median-of-three pivots; after depth partitions it sorts what remains instead.
func quickselect(buf []entry, k, depth int) {
	lo, hi := 0, len(buf) // the k-th entry lies in buf[lo:hi]
	for hi-lo > 16 {
		if depth == 0 {
			break
		}
		depth--
		// Median of three to buf[lo], then a Lomuto partition around it.
		m := lo + (hi-lo)/2
		a, b, c := lo, m, hi-1
		if less(buf[b], buf[a]) {
			a, b = b, a
		}
		if less(buf[c], buf[b]) {
			b = c
			if less(buf[b], buf[a]) {
				b = a
			}
		}
		buf[lo], buf[b] = buf[b], buf[lo]
		p := buf[lo]
		j := lo
		for i := lo + 1; i < hi; i++ {
			if less(buf[i], p) {
				j++
				buf[i], buf[j] = buf[j], buf[i]
			}
		}
		buf[lo], buf[j] = buf[j], buf[lo]
		// buf[lo:j] come before the pivot, now at j.
		switch {
		case j == k || j == k-1:
			return
		case j > k:
			hi = j
		default:
			lo = j + 1
		}
	}
	slices.SortFunc(buf[lo:hi], compareEntries)
}
