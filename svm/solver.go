package svm

import (
	"math"
	"slices"
)

// This file is a port of libsvm's Solver (Fan, Chen & Lin 2005; libsvm 3.x svm.cpp):
// SMO with second-order working-set selection, shrinking with un-shrinking, gradient
// reconstruction before the final optimality check, and an LRU cache of kernel rows.

// cache is libsvm's Cache: rows of Q, each holding its first len entries, evicted least
// recently used first. Unlike libsvm every row is allocated at full length l (and charged
// so), so that growing a row after un-shrinking never copies it.
type cache struct {
	l          int
	data       [][]float32
	prev, next []int // LRU list over rows; index l is the sentinel head
	size       int   // float32s still free
	spare      [][]float32
}

func newCache(l int, bytes float64) *cache {
	size := max(int(bytes/4)-l*6, 2*l) // libsvm charges a head_t (≈24 bytes) per row
	c := &cache{l: l, data: make([][]float32, l), prev: make([]int, l+1), next: make([]int, l+1), size: size}
	c.prev[l], c.next[l] = l, l
	return c
}

func (c *cache) lruDelete(h int) {
	c.next[c.prev[h]] = c.next[h]
	c.prev[c.next[h]] = c.prev[h]
}

func (c *cache) lruInsert(h int) {
	head := c.l
	c.next[h] = head
	c.prev[h] = c.prev[head]
	c.next[c.prev[h]] = h
	c.prev[head] = h
}

// get returns row i with room for n entries and the number already filled.
func (c *cache) get(i, n int) ([]float32, int) {
	h := c.data[i]
	have := len(h)
	if h != nil {
		c.lruDelete(i)
	} else {
		for c.size < c.l {
			c.drop(c.next[c.l])
		}
		c.size -= c.l
		if k := len(c.spare); k > 0 {
			h, c.spare = c.spare[k-1], c.spare[:k-1]
		} else {
			h = make([]float32, c.l)
		}
		h = h[:0]
	}
	if n > have {
		h = h[:n]
	}
	c.data[i] = h
	c.lruInsert(i)
	return h, have
}

// drop evicts row h, keeping its memory for the next row.
func (c *cache) drop(h int) {
	c.lruDelete(h)
	c.size += c.l
	c.spare = append(c.spare, c.data[h][:0])
	c.data[h] = nil
}

// swapAll applies libsvm's swap_index for each pair in turn: rows i and j change places,
// and every cached row has its entries i and j exchanged, or is dropped when it holds i but
// not j. Each cached row is visited once for all pairs, which is what makes shrinking
// cheap: libsvm visits every row for every pair.
func (c *cache) swapAll(pairs [][2]int) {
	for _, p := range pairs {
		i, j := p[0], p[1]
		if c.data[i] != nil {
			c.lruDelete(i)
		}
		if c.data[j] != nil {
			c.lruDelete(j)
		}
		c.data[i], c.data[j] = c.data[j], c.data[i]
		if c.data[i] != nil {
			c.lruInsert(i)
		}
		if c.data[j] != nil {
			c.lruInsert(j)
		}
	}
	for h, r := range c.data {
		for _, p := range pairs {
			i, j := min(p[0], p[1]), max(p[0], p[1])
			if len(r) <= i {
				continue
			}
			if len(r) <= j {
				c.drop(h)
				break
			}
			r[i], r[j] = r[j], r[i]
		}
	}
}

// qMatrix is libsvm's QMatrix: the first n entries of row i of Q, its diagonal, and
// swaps of variables (applied in order).
type qMatrix interface {
	row(i, n int) []float32
	diag() []float64
	swap(pairs [][2]int)
}

// svcQ is Q[i][j] = y_i·y_j·K(x_i, x_j) (libsvm's SVC_Q).
type svcQ struct {
	k  *kernelRows
	y  []float64
	qd []float64
	c  *cache
}

func newSVCQ(k *kernelRows, y []float64, cacheMB float64) *svcQ {
	l := len(y)
	q := &svcQ{k: k, y: y, qd: make([]float64, l), c: newCache(l, cacheMB*(1<<20))}
	for i := range l {
		q.qd[i] = k.at(i, i)
	}
	return q
}

func (q *svcQ) row(i, n int) []float32 {
	r, start := q.c.get(i, n)
	if start < n {
		q.k.fill(r, i, start, n, q.y[i], q.y)
	}
	return r
}

func (q *svcQ) diag() []float64 { return q.qd }

func (q *svcQ) swap(pairs [][2]int) {
	q.c.swapAll(pairs)
	for _, p := range pairs {
		i, j := p[0], p[1]
		q.k.swap(i, j)
		q.y[i], q.y[j] = q.y[j], q.y[i]
		q.qd[i], q.qd[j] = q.qd[j], q.qd[i]
	}
}

// svrQ is epsilon-SVR's 2l×2l matrix (libsvm's SVR_Q): variable t < l is α_t with sign
// +1, variable t ≥ l is α*_{t−l} with sign −1, and Q[s][t] = sign_s·sign_t·K(x_s, x_t).
// Kernel rows of the l samples are cached whole; rows of Q are assembled in two buffers.
type svrQ struct {
	k      *kernelRows
	sign   []float64
	index  []int
	qd     []float64
	c      *cache
	buf    [2][]float32
	nextBf int
}

func newSVRQ(k *kernelRows, l int, cacheMB float64) *svrQ {
	q := &svrQ{k: k, sign: make([]float64, 2*l), index: make([]int, 2*l), qd: make([]float64, 2*l), c: newCache(l, cacheMB*(1<<20))}
	for t := range l {
		q.sign[t], q.sign[t+l] = 1, -1
		q.index[t], q.index[t+l] = t, t
		q.qd[t] = k.at(t, t)
		q.qd[t+l] = q.qd[t]
	}
	q.buf[0], q.buf[1] = make([]float32, 2*l), make([]float32, 2*l)
	return q
}

func (q *svrQ) row(i, n int) []float32 {
	l := len(q.sign) / 2
	ri := q.index[i]
	data, start := q.c.get(ri, l)
	if start < l {
		q.k.fill(data, ri, start, l, 1, nil)
	}
	buf := q.buf[q.nextBf]
	q.nextBf = 1 - q.nextBf
	si := float32(q.sign[i])
	for j := range n {
		buf[j] = si * float32(q.sign[j]) * data[q.index[j]]
	}
	return buf[:n]
}

func (q *svrQ) diag() []float64 { return q.qd }

func (q *svrQ) swap(pairs [][2]int) {
	for _, p := range pairs {
		i, j := p[0], p[1]
		q.sign[i], q.sign[j] = q.sign[j], q.sign[i]
		q.index[i], q.index[j] = q.index[j], q.index[i]
		q.qd[i], q.qd[j] = q.qd[j], q.qd[i]
	}
}

const (
	atLower = iota
	atUpper
	free
)

// solver is libsvm's Solver for
//
//	min ½αᵀQα + pᵀα  subject to  yᵀα = Δ, 0 ≤ α_t ≤ C_t,
//
// with C_t = Cp for y_t = +1 and Cn for y_t = −1.
type solver struct {
	l, active int
	y         []float64
	G, Gbar   []float64
	alpha, p  []float64
	status    []int8
	activeSet []int
	q         qMatrix
	qd        []float64
	cp, cn    float64
	eps       float64
	unshrink  bool
	pending   [][2]int // swaps not yet applied to q
}

func (s *solver) c(i int) float64 {
	if s.y[i] > 0 {
		return s.cp
	}
	return s.cn
}

func (s *solver) updateStatus(i int) {
	switch {
	case s.alpha[i] >= s.c(i):
		s.status[i] = atUpper
	case s.alpha[i] <= 0:
		s.status[i] = atLower
	default:
		s.status[i] = free
	}
}

// swapIndex exchanges variables i and j in the solver's arrays and queues the exchange
// for Q, which gets the whole queue at the end of shrink.
func (s *solver) swapIndex(i, j int) {
	s.pending = append(s.pending, [2]int{i, j})
	s.y[i], s.y[j] = s.y[j], s.y[i]
	s.G[i], s.G[j] = s.G[j], s.G[i]
	s.status[i], s.status[j] = s.status[j], s.status[i]
	s.alpha[i], s.alpha[j] = s.alpha[j], s.alpha[i]
	s.p[i], s.p[j] = s.p[j], s.p[i]
	s.activeSet[i], s.activeSet[j] = s.activeSet[j], s.activeSet[i]
	s.Gbar[i], s.Gbar[j] = s.Gbar[j], s.Gbar[i]
}

// reconstructGradient recomputes G of the inactive variables from Gbar and the free α.
func (s *solver) reconstructGradient() {
	if s.active == s.l {
		return
	}
	for j := s.active; j < s.l; j++ {
		s.G[j] = s.Gbar[j] + s.p[j]
	}
	nfree := 0
	for j := range s.active {
		if s.status[j] == free {
			nfree++
		}
	}
	if nfree*s.l > 2*s.active*(s.l-s.active) {
		for i := s.active; i < s.l; i++ {
			qi := s.q.row(i, s.active)
			for j := range s.active {
				if s.status[j] == free {
					s.G[i] += s.alpha[j] * float64(qi[j])
				}
			}
		}
		return
	}
	for i := range s.active {
		if s.status[i] == free {
			qi := s.q.row(i, s.l)
			ai := s.alpha[i]
			for j := s.active; j < s.l; j++ {
				s.G[j] += ai * float64(qi[j])
			}
		}
	}
}

// solve runs SMO from α = alpha (feasible) and returns α in the original order and ρ.
// maxIter < 0 means no limit.
func solve(q qMatrix, p, y, alpha []float64, cp, cn, eps float64, shrinking bool, maxIter int) ([]float64, float64, int) {
	l := len(y)
	y, p, alpha = slices.Clone(y), slices.Clone(p), slices.Clone(alpha) // swapped in place, apart from q's copies
	s := &solver{
		l: l, active: l, y: y, p: p, alpha: alpha, q: q, qd: q.diag(), cp: cp, cn: cn, eps: eps,
		G: make([]float64, l), Gbar: make([]float64, l), status: make([]int8, l), activeSet: make([]int, l),
	}
	for i := range l {
		s.updateStatus(i)
		s.activeSet[i] = i
	}
	copy(s.G, p)
	for i := range l {
		if s.status[i] == atLower {
			continue
		}
		qi := q.row(i, l)
		ai := s.alpha[i]
		for j := range l {
			s.G[j] += ai * float64(qi[j])
		}
		if s.status[i] == atUpper {
			ci := s.c(i)
			for j := range l {
				s.Gbar[j] += ci * float64(qi[j])
			}
		}
	}
	iter := 0
	counter := min(l, 1000) + 1
	for maxIter < 0 || iter < maxIter {
		if counter--; counter == 0 {
			counter = min(l, 1000)
			if shrinking {
				s.shrink()
			}
		}
		i, j, done := s.selectWorkingSet()
		if done {
			s.reconstructGradient()
			s.active = l
			if i, j, done = s.selectWorkingSet(); done {
				break
			}
			counter = 1 // shrink at the next iteration
		}
		iter++
		s.step(i, j)
	}
	if s.active < l { // stopped by maxIter
		s.reconstructGradient()
		s.active = l
	}
	rho := s.calculateRho()
	out := make([]float64, l)
	for t := range l {
		out[s.activeSet[t]] = s.alpha[t]
	}
	return out, rho, iter
}

// step optimises the pair (i, j) analytically and updates G and Gbar.
func (s *solver) step(i, j int) {
	const tau = 1e-12
	n := s.active
	qi := s.q.row(i, n)
	qj := s.q.row(j, n)
	ci, cj := s.c(i), s.c(j)
	oi, oj := s.alpha[i], s.alpha[j]
	a := s.alpha
	if s.y[i] != s.y[j] {
		quad := s.qd[i] + s.qd[j] + 2*float64(qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (-s.G[i] - s.G[j]) / quad
		diff := a[i] - a[j]
		a[i] += delta
		a[j] += delta
		if diff > 0 {
			if a[j] < 0 {
				a[j], a[i] = 0, diff
			}
		} else if a[i] < 0 {
			a[i], a[j] = 0, -diff
		}
		if diff > ci-cj {
			if a[i] > ci {
				a[i], a[j] = ci, ci-diff
			}
		} else if a[j] > cj {
			a[j], a[i] = cj, cj+diff
		}
	} else {
		quad := s.qd[i] + s.qd[j] - 2*float64(qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (s.G[i] - s.G[j]) / quad
		sum := a[i] + a[j]
		a[i] -= delta
		a[j] += delta
		if sum > ci {
			if a[i] > ci {
				a[i], a[j] = ci, sum-ci
			}
		} else if a[j] < 0 {
			a[j], a[i] = 0, sum
		}
		if sum > cj {
			if a[j] > cj {
				a[j], a[i] = cj, sum-cj
			}
		} else if a[i] < 0 {
			a[i], a[j] = 0, sum
		}
	}
	di, dj := a[i]-oi, a[j]-oj
	G := s.G[:n]
	qi, qj = qi[:n], qj[:n]
	for k := range G {
		G[k] += float64(qi[k])*di + float64(qj[k])*dj
	}
	ui, uj := s.status[i] == atUpper, s.status[j] == atUpper
	s.updateStatus(i)
	s.updateStatus(j)
	if ui != (s.status[i] == atUpper) {
		s.addGbar(i, ci, ui)
	}
	if uj != (s.status[j] == atUpper) {
		s.addGbar(j, cj, uj)
	}
}

func (s *solver) addGbar(i int, c float64, wasUpper bool) {
	qi := s.q.row(i, s.l)
	if wasUpper {
		c = -c
	}
	for k := range s.l {
		s.Gbar[k] += c * float64(qi[k])
	}
}

// selectWorkingSet is libsvm's WSS 2; done reports that the active set is optimal to eps.
func (s *solver) selectWorkingSet() (int, int, bool) {
	const tau = 1e-12
	gmax, gmax2 := math.Inf(-1), math.Inf(-1)
	imax, jmin := -1, -1
	objMin := math.Inf(1)
	n := s.active
	for t := range n {
		if s.y[t] > 0 {
			if s.status[t] != atUpper && -s.G[t] >= gmax {
				gmax, imax = -s.G[t], t
			}
		} else if s.status[t] != atLower && s.G[t] >= gmax {
			gmax, imax = s.G[t], t
		}
	}
	i := imax
	var qi []float32
	if i != -1 {
		qi = s.q.row(i, n)
	}
	for j := range n {
		if s.y[j] > 0 {
			if s.status[j] == atLower {
				continue
			}
			gd := gmax + s.G[j]
			if s.G[j] >= gmax2 {
				gmax2 = s.G[j]
			}
			if gd > 0 {
				quad := s.qd[i] + s.qd[j] - 2*s.y[i]*float64(qi[j])
				if quad <= 0 {
					quad = tau
				}
				if obj := -(gd * gd) / quad; obj <= objMin {
					jmin, objMin = j, obj
				}
			}
		} else {
			if s.status[j] == atUpper {
				continue
			}
			gd := gmax - s.G[j]
			if -s.G[j] >= gmax2 {
				gmax2 = -s.G[j]
			}
			if gd > 0 {
				quad := s.qd[i] + s.qd[j] + 2*s.y[i]*float64(qi[j])
				if quad <= 0 {
					quad = tau
				}
				if obj := -(gd * gd) / quad; obj <= objMin {
					jmin, objMin = j, obj
				}
			}
		}
	}
	if gmax+gmax2 < s.eps || jmin == -1 {
		return 0, 0, true
	}
	return imax, jmin, false
}

func (s *solver) beShrunk(i int, gmax1, gmax2 float64) bool {
	switch s.status[i] {
	case atUpper:
		if s.y[i] > 0 {
			return -s.G[i] > gmax1
		}
		return -s.G[i] > gmax2
	case atLower:
		if s.y[i] > 0 {
			return s.G[i] > gmax2
		}
		return s.G[i] > gmax1
	}
	return false
}

// shrink moves variables that are likely to stay at a bound out of the active set; once
// the active set is near optimal it restores all of them once (un-shrinking).
func (s *solver) shrink() {
	gmax1, gmax2 := math.Inf(-1), math.Inf(-1)
	for i := range s.active {
		g := s.G[i]
		if s.y[i] > 0 {
			if s.status[i] != atUpper && -g >= gmax1 {
				gmax1 = -g
			}
			if s.status[i] != atLower && g >= gmax2 {
				gmax2 = g
			}
		} else {
			if s.status[i] != atUpper && -g >= gmax2 {
				gmax2 = -g
			}
			if s.status[i] != atLower && g >= gmax1 {
				gmax1 = g
			}
		}
	}
	if !s.unshrink && gmax1+gmax2 <= s.eps*10 {
		s.unshrink = true
		s.reconstructGradient()
		s.active = s.l
	}
	for i := 0; i < s.active; i++ {
		if !s.beShrunk(i, gmax1, gmax2) {
			continue
		}
		s.active--
		for s.active > i {
			if !s.beShrunk(s.active, gmax1, gmax2) {
				s.swapIndex(i, s.active)
				break
			}
			s.active--
		}
	}
	if len(s.pending) > 0 {
		s.q.swap(s.pending)
		s.pending = s.pending[:0]
	}
}

// calculateRho is libsvm's bias: the mean of y·G over free variables, else the middle of
// the feasible interval.
func (s *solver) calculateRho() float64 {
	ub, lb, sum, nfree := math.Inf(1), math.Inf(-1), 0.0, 0
	for i := range s.active {
		yg := s.y[i] * s.G[i]
		switch s.status[i] {
		case atUpper:
			if s.y[i] < 0 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		case atLower:
			if s.y[i] > 0 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		default:
			nfree++
			sum += yg
		}
	}
	if nfree > 0 {
		return sum / float64(nfree)
	}
	return (ub + lb) / 2
}
