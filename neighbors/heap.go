package neighbors

import "slices"

// kBest keeps the k smallest (distance, index) pairs seen, as a max-heap: pairs compare
// by distance, then by index, so equal distances keep the smaller training index.
type kBest struct {
	d   []float64
	idx []int
	k   int
}

func newKBest(k int) *kBest {
	return &kBest{d: make([]float64, 0, k), idx: make([]int, 0, k), k: k}
}

func (h *kBest) reset() { h.d, h.idx = h.d[:0], h.idx[:0] }

// less reports whether pair i ranks after pair j (the heap's root ranks last).
func (h *kBest) less(i, j int) bool {
	return h.d[i] > h.d[j] || h.d[i] == h.d[j] && h.idx[i] > h.idx[j]
}

// full reports whether k pairs are held.
func (h *kBest) full() bool { return len(h.d) == h.k }

// worst is the largest distance held (meaningful once full).
func (h *kBest) worst() float64 { return h.d[0] }

// push offers a pair.
func (h *kBest) push(d float64, i int) {
	if h.full() {
		if d > h.d[0] || d == h.d[0] && i > h.idx[0] {
			return
		}
		h.d[0], h.idx[0] = d, i
		h.down(0)
		return
	}
	h.d, h.idx = append(h.d, d), append(h.idx, i)
	for c := len(h.d) - 1; c > 0; {
		p := (c - 1) / 2
		if !h.less(c, p) {
			break
		}
		h.swap(c, p)
		c = p
	}
}

func (h *kBest) down(p int) {
	for {
		c := 2*p + 1
		if c >= len(h.d) {
			return
		}
		if c+1 < len(h.d) && h.less(c+1, c) {
			c++
		}
		if !h.less(c, p) {
			return
		}
		h.swap(c, p)
		p = c
	}
}

func (h *kBest) swap(i, j int) {
	h.d[i], h.d[j] = h.d[j], h.d[i]
	h.idx[i], h.idx[j] = h.idx[j], h.idx[i]
}

// order returns the positions of the pairs in increasing (distance, index) order.
func (h *kBest) order() []int {
	order := make([]int, len(h.d))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case h.d[a] < h.d[b] || h.d[a] == h.d[b] && h.idx[a] < h.idx[b]:
			return -1
		case h.d[a] == h.d[b] && h.idx[a] == h.idx[b]:
			return 0
		}
		return 1
	})
	return order
}

// sorted writes the pairs in increasing (distance, index) order.
func (h *kBest) sorted(d []float64, idx []int) {
	order := h.order()
	for j, o := range order {
		d[j], idx[j] = h.d[o], h.idx[o]
	}
}
