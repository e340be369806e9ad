package cluster

import (
	"cmp"
	"slices"
)

// kdTree answers fixed-radius queries over the rows of a matrix: each node holds the
// bounding box of its points and splits them at the median of its widest coordinate. The
// points are also stored in tree order (pts), so that a leaf's points are contiguous.
type kdTree struct {
	x     matrix
	idx   []int // row indices; every node owns idx[lo:hi]
	nodes []kdNode
	box   []float64 // node i's box: min at box[2di : 2di+d], max at box[2di+d : 2di+2d]
	pts   []float64 // row idx[p] of x at pts[p·d : (p+1)·d]
}

type kdNode struct {
	lo, hi      int
	left, right int // child nodes, -1 for a leaf
}

const kdLeafSize = 16

func newKDTree(x matrix) *kdTree {
	t := &kdTree{x: x, idx: make([]int, x.n)}
	for i := range t.idx {
		t.idx[i] = i
	}
	t.build(0, x.n)
	t.pts = make([]float64, 0, len(x.data))
	for _, i := range t.idx {
		t.pts = append(t.pts, x.row(i)...)
	}
	return t
}

// build adds the node of idx[lo:hi] and its subtree, returning the node's index.
func (t *kdTree) build(lo, hi int) int {
	d := t.x.d
	id := len(t.nodes)
	t.nodes = append(t.nodes, kdNode{lo: lo, hi: hi, left: -1, right: -1})
	t.box = append(t.box, make([]float64, 2*d)...)
	mn, mx := t.box[2*d*id:2*d*id+d], t.box[2*d*id+d:2*d*id+2*d]
	copy(mn, t.x.row(t.idx[lo]))
	copy(mx, t.x.row(t.idx[lo]))
	for _, i := range t.idx[lo+1 : hi] {
		for j, v := range t.x.row(i) {
			mn[j] = min(mn[j], v)
			mx[j] = max(mx[j], v)
		}
	}
	if hi-lo <= kdLeafSize {
		return id
	}
	dim := 0
	for j := range d {
		if mx[j]-mn[j] > mx[dim]-mn[dim] {
			dim = j
		}
	}
	if mx[dim] == mn[dim] { // all points equal: keep as one leaf
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

// boxDists returns the squared distances from q to the nearest and to the farthest point of
// node id's bounding box.
func (t *kdTree) boxDists(id int, q []float64) (near, far float64) {
	d := len(q)
	b := t.box[2*d*id : 2*d*id+2*d]
	mn, mx := b[:d], b[d:]
	for j, v := range q {
		lo, hi := mn[j]-v, v-mx[j] // lo > 0: q below the box; hi > 0: above
		var e float64
		if lo > 0 {
			e = lo
		} else if hi > 0 {
			e = hi
		}
		near += e * e
		f := max(v-mn[j], mx[j]-v)
		far += f * f
	}
	return near, far
}

// radius calls visit for every row within squared distance r2 of q (boundary included), q's
// own row too.
func (t *kdTree) radius(q []float64, r2 float64, visit func(i int)) {
	t.radiusUntil(q, r2, func(i int) bool { visit(i); return true })
}

// radiusUntil is radius that stops as soon as visit returns false; it reports whether it
// ran to the end.
func (t *kdTree) radiusUntil(q []float64, r2 float64, visit func(i int) bool) bool {
	var buf [64]int
	stack := append(buf[:0], 0)
	d := len(q)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		near, far := t.boxDists(id, q)
		if near > r2 {
			continue
		}
		nd := &t.nodes[id]
		if far <= r2 { // the whole box is inside the ball
			for _, i := range t.idx[nd.lo:nd.hi] {
				if !visit(i) {
					return false
				}
			}
			continue
		}
		if nd.left >= 0 {
			stack = append(stack, nd.left, nd.right)
			continue
		}
		for p := nd.lo; p < nd.hi; p++ {
			if sqDist(q, t.pts[p*d:(p+1)*d]) <= r2 && !visit(t.idx[p]) {
				return false
			}
		}
	}
	return true
}
