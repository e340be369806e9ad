package cluster

import (
	"cmp"
	"slices"
)

// kdTree answers fixed-radius queries over the rows of a matrix: each node holds the
// bounding box of its points and splits them at the median of its widest coordinate.
type kdTree struct {
	x     matrix
	idx   []int // row indices; every node owns idx[lo:hi]
	nodes []kdNode
}

type kdNode struct {
	lo, hi      int
	left, right int // child nodes, -1 for a leaf
	min, max    []float64
}

const kdLeafSize = 16

func newKDTree(x matrix) *kdTree {
	t := &kdTree{x: x, idx: make([]int, x.n)}
	for i := range t.idx {
		t.idx[i] = i
	}
	t.build(0, x.n)
	return t
}

// build adds the node of idx[lo:hi] and its subtree, returning the node's index.
func (t *kdTree) build(lo, hi int) int {
	d := t.x.d
	nd := kdNode{lo: lo, hi: hi, left: -1, right: -1, min: make([]float64, d), max: make([]float64, d)}
	copy(nd.min, t.x.row(t.idx[lo]))
	copy(nd.max, t.x.row(t.idx[lo]))
	for _, i := range t.idx[lo+1 : hi] {
		for j, v := range t.x.row(i) {
			nd.min[j] = min(nd.min[j], v)
			nd.max[j] = max(nd.max[j], v)
		}
	}
	id := len(t.nodes)
	t.nodes = append(t.nodes, nd)
	if hi-lo <= kdLeafSize {
		return id
	}
	dim := 0
	for j := range d {
		if nd.max[j]-nd.min[j] > nd.max[dim]-nd.min[dim] {
			dim = j
		}
	}
	if nd.max[dim] == nd.min[dim] { // all points equal: keep as one leaf
		return id
	}
	slices.SortFunc(t.idx[lo:hi], func(a, b int) int {
		return cmp.Compare(t.x.data[a*d+dim], t.x.data[b*d+dim])
	})
	mid := (lo + hi) / 2
	left := t.build(lo, mid)
	right := t.build(mid, hi)
	t.nodes[id].left, t.nodes[id].right = left, right
	return id
}

// boxDist returns the squared distance from q to the node's bounding box.
func (nd *kdNode) boxDist(q []float64) float64 {
	s := 0.0
	for j, v := range q {
		var e float64
		if v < nd.min[j] {
			e = nd.min[j] - v
		} else if v > nd.max[j] {
			e = v - nd.max[j]
		}
		s += e * e
	}
	return s
}

// radius calls visit for every row within squared distance r2 of q (boundary included), q's
// own row too.
func (t *kdTree) radius(q []float64, r2 float64, visit func(i int)) {
	stack := []int{0}
	for len(stack) > 0 {
		nd := &t.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if nd.boxDist(q) > r2 {
			continue
		}
		if nd.left >= 0 {
			stack = append(stack, nd.left, nd.right)
			continue
		}
		for _, i := range t.idx[nd.lo:nd.hi] {
			if sqDist(q, t.x.row(i)) <= r2 {
				visit(i)
			}
		}
	}
}
