package decomp

import (
	"math"
	"math/rand/v2"
	"sync"

	"github.com/ember-ml/ember/backend/cpu"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// float is the element type of the randomized solver's large products: the input's dtype,
// float32 or float64, as scikit-learn keeps it.
type float interface{ float32 | float64 }

// host returns the elements of t, a contiguous tensor of T that covers its storage, without
// copying.
func host[T float](t *tensor.Tensor) []T {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(t.HostFloat32()).([]T)
	}
	return any(t.HostFloat64()).([]T)
}

// dtypeOf returns the tensor dtype of T.
func dtypeOf[T float]() tensor.DType {
	var z T
	if _, ok := any(z).(float32); ok {
		return tensor.Float32
	}
	return tensor.Float64
}

// randomizedSVD is randomizedSVDOf on a float64 matrix (copied once into a tensor); m is not
// modified.
func randomizedSVD(op string, m *mat.Dense, k, oversamples, nIter int, r *rand.Rand) (*mat.Dense, []float64, *mat.Dense, error) {
	rows, cols := m.Dims()
	x := tensor.FromSlice(mat.DenseCopyOf(m).RawMatrix().Data, rows, cols)
	return randomizedSVDOf[float64](op, x, k, oversamples, nIter, r, nil)
}

// randomizedSVDOf is scikit-learn's randomized_svd of m (Halko et al.), a contiguous 2-D
// tensor of T that is read, never modified or copied: a Gaussian sketch of k+oversamples
// columns, nIter power iterations (nIter < 0 means 'auto': 7 when k < 0.1·min(rows, cols),
// else 4) normalised by LU when nIter > 2 and not at all otherwise, an orthonormal range
// basis by QR, then the exact SVD of the small projected matrix. The products with m (the
// only ones of size rows·cols) run in T through Ember's GEMM, as scikit-learn keeps a
// float32 input in float32; the QR, the small SVD and the results are float64. The result is
// sign-flipped as svd_flip does on u and truncated to k.
//
// With mu set (rows ≥ cols only), m is not centred and the decomposition is that of
// m − 1·muᵀ: every product with m is corrected by its rank-one term (centredProducts), so
// that m need not be copied.
func randomizedSVDOf[T float](op string, m *tensor.Tensor, k, oversamples, nIter int, r *rand.Rand, mu []float64) (*mat.Dense, []float64, *mat.Dense, error) {
	rows, cols := m.Size(0), m.Size(1)
	if mu != nil && rows < cols {
		panic("decomp: randomizedSVDOf: mu needs rows ≥ cols")
	}
	if nIter < 0 {
		nIter = 4
		if float64(k) < 0.1*float64(min(rows, cols)) {
			nIter = 7
		}
	}
	a := m
	transpose := rows < cols
	if transpose {
		a = m.T()
	}
	ar, ac := a.Size(0), a.Size(1)
	q := rangeFinder[T](a, k+oversamples, nIter, r, mu) // float64 [ar, qc]
	qc := q.Size(1)
	// B = Qᵀ·A [qc, ac], in T.
	qt := q.To(dtypeOf[T]())
	b := denseOf(qt.T().MatMul(a), qc, ac)
	if mu != nil { // Qᵀ·(A − 1·muᵀ) = Qᵀ·A − (Qᵀ1)·muᵀ
		qs := matVec[float64](q, nil)
		for j, u := range qs {
			row := b.RawRowView(j)
			for f, v := range mu {
				row[f] -= u * v
			}
		}
	}
	uh, s, vt, err := thinSVD(op, b)
	if err != nil {
		return nil, nil, nil, err
	}
	_, uc := uh.Dims()
	// U = Q·Û [ar, uc], in float64.
	ut := q.MatMul(tensor.FromSlice(uh.RawMatrix().Data, qc, uc))
	k = min(k, len(s))
	if !transpose {
		// svd_flip on the tall u in one row-major pass; u is returned as a view.
		ud := ut.HostFloat64()
		flipTall(ud, ar, uc, vt)
		u := mat.NewDense(ar, uc, ud)
		return u.Slice(0, rows, 0, k).(*mat.Dense), s[:k], mat.DenseCopyOf(vt.Slice(0, k, 0, cols)), nil
	}
	// a = mᵀ = u s vt, so m = vtᵀ s uᵀ.
	u := denseOf(ut, ar, uc)
	u, vt = mat.DenseCopyOf(vt.T()), mat.DenseCopyOf(u.T())
	svdFlipU(u, vt)
	return mat.DenseCopyOf(u.Slice(0, rows, 0, k)), s[:k], mat.DenseCopyOf(vt.Slice(0, k, 0, cols)), nil
}

// flipTall is svdFlipU for a row-major u [r, c] held in ud: the entry of largest magnitude of
// each column (the first of equal ones) is made positive, flipping the matching row of vt.
func flipTall(ud []float64, r, c int, vt *mat.Dense) {
	best := make([]float64, c)
	at := make([]int, c)
	for j := range best {
		best[j] = -1
	}
	for i := range r {
		for j, v := range ud[i*c : (i+1)*c] {
			if a := math.Abs(v); a > best[j] {
				best[j], at[j] = a, i
			}
		}
	}
	flip := make([]bool, c)
	some := false
	for j := range c {
		if ud[at[j]*c+j] < 0 {
			flip[j], some = true, true
			row := vt.RawRowView(j)
			for q := range row {
				row[q] = -row[q]
			}
		}
	}
	if !some {
		return
	}
	for i := range r {
		row := ud[i*c : (i+1)*c]
		for j, f := range flip {
			if f {
				row[j] = -row[j]
			}
		}
	}
}

// denseOf copies a 2-D tensor [r, c] into a float64 matrix.
func denseOf(t *tensor.Tensor, r, c int) *mat.Dense {
	return mat.NewDense(r, c, t.Float64s())
}

// rangeFinder returns an orthonormal basis (float64 [rows of a, size]) of the approximate range of a
// (scikit-learn's randomized_range_finder with normalizer 'auto'): the Gaussian sketch is
// drawn in float64 and rounded to T; the power iterations run in T.
//
// With mu set, a is not centred and the range is that of a − 1·muᵀ (see randomizedSVDOf).
func rangeFinder[T float](a *tensor.Tensor, size, nIter int, r *rand.Rand, mu []float64) *tensor.Tensor {
	ar, ac := a.Size(0), a.Size(1)
	g := make([]T, ac*size)
	for i := range g {
		g[i] = T(r.NormFloat64())
	}
	q := tensor.FromSlice(g, ac, size)
	for range nIter {
		y := tallMatMul(a, q, nIter > 2)
		if mu != nil { // (a − 1·muᵀ)·q = a·q − 1·(muᵀq)
			subOuter[T](y, nil, matVec[T](q, mu))
		}
		if nIter > 2 {
			y = luPermutedL[T](y)
		}
		q = tMatMul(a, y)
		if mu != nil { // (a − 1·muᵀ)ᵀ·y = aᵀ·y − mu·(1ᵀy)
			subOuter[T](q, mu, matVec[T](y, nil))
		}
		if nIter > 2 {
			q = luPermutedL[T](q)
		}
	}
	yt := tallMatMul(a, q, false)
	if mu != nil {
		subOuter[T](yt, nil, matVec[T](q, mu))
	}
	y := yt.To(tensor.Float64)
	if q, ok := cholQR2(y); ok {
		return q
	}
	qd := orthonormalBasis(denseOf(y, ar, y.Size(1)), ar)
	r2, c2 := qd.Dims()
	return tensor.FromSlice(qd.RawMatrix().Data, r2, c2)
}

// matVec returns vᵀ·t (float64 [cols]) for a 2-D tensor t [rows, cols] of T, contiguous or
// the transposed view of a contiguous tensor; v nil means all ones (the column sums).
func matVec[T float](t *tensor.Tensor, v []float64) []float64 {
	rows, cols := t.Size(0), t.Size(1)
	out := make([]float64, cols)
	w := func(i int) float64 {
		if v == nil {
			return 1
		}
		return v[i]
	}
	if st := t.Strides(); st[0] == 1 && rows > 1 {
		data := host[T](t.T()) // column j at data[j·rows:]
		for j := range out {
			s := 0.0
			for i, x := range data[j*rows : (j+1)*rows] {
				s += w(i) * float64(x)
			}
			out[j] = s
		}
		return out
	}
	data := host[T](t.Contiguous())
	for i := range rows {
		wi := w(i)
		for j, x := range data[i*cols : (i+1)*cols] {
			out[j] += wi * float64(x)
		}
	}
	return out
}

// subOuter subtracts u·vᵀ from t [rows, cols] in place (u nil: all ones), rounding to T; t
// must be contiguous or the transposed view of a contiguous tensor, owned by the caller.
func subOuter[T float](t *tensor.Tensor, u, v []float64) {
	rows, cols := t.Size(0), t.Size(1)
	at := func(i int) float64 {
		if u == nil {
			return 1
		}
		return u[i]
	}
	if st := t.Strides(); st[0] == 1 && rows > 1 {
		data := host[T](t.T()) // column j at data[j·rows:]
		for j, vj := range v {
			col := data[j*rows : (j+1)*rows]
			for i := range col {
				col[i] -= T(at(i) * vj)
			}
		}
		return
	}
	data := host[T](t)
	for i := range rows {
		ui := at(i)
		row := data[i*cols : (i+1)*cols]
		for j, vj := range v {
			row[j] -= T(ui * vj)
		}
	}
}

// tMatMul returns aᵀ·y [cols, n] for a [rows, cols] and y [rows, n], computed as (yᵀ·a)ᵀ
// when a has contiguous rows: Ember's GEMM then packs a as its right operand, whose
// row-major panels copy in long runs (as its left operand, aᵀ, a would be gathered in runs of
// a few values). The result is then a transposed view (columns contiguous).
func tMatMul(a, y *tensor.Tensor) *tensor.Tensor {
	if a.Strides()[1] != 1 {
		return tallMatMul(a.T(), y, false)
	}
	return y.T().MatMul(a).T()
}

// tallNarrow is the widest column block of tallMatMul's blocks: float32 products at most
// this wide run in Ember's unpacked vector kernel.
const tallNarrow = 32

// tallRows is the number of rows of a per block of tallMatMul: 256 rows of 784 float32
// features (800 KB) stay in L2 while every column block of b multiplies them.
const tallRows = 256

// tallMatMul returns a·b [m, n] for a [m, k] and a narrow b [k, n]. When a is a row-major
// float32 matrix (contiguous rows) with at least 1,024 rows, the product is cut into blocks of
// at most tallNarrow columns of b and cpu.Threads() row ranges of a, each a product that
// Ember's GEMM computes without packing a — packing would copy all of a, the large operand,
// transposed, at every product; the blocks run on their own goroutines. Otherwise it is
// a.MatMul(b).
//
// With colMajor set, the result is the transposed view of a contiguous [n, m] tensor (its
// columns contiguous), the layout luPermutedL reads without transposing.
func tallMatMul(a, b *tensor.Tensor, colMajor bool) *tensor.Tensor {
	m, n := a.Size(0), b.Size(1)
	if a.DType() != tensor.Float32 || m < 1024 || n <= 0 || a.Strides()[1] != 1 {
		return a.MatMul(b)
	}
	parts := max(1, min(cpu.Threads(), m/512))
	var cols []*tensor.Tensor
	for j := 0; j < n; j += tallNarrow {
		cols = append(cols, b.Narrow(1, j, min(tallNarrow, n-j)).Contiguous())
	}
	shape := []int{m, n}
	if colMajor {
		shape = []int{n, m}
	}
	ot := tensor.ZerosOf(tensor.Float32, shape...)
	out := ot.HostFloat32()
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*m/parts, (p+1)*m/parts
		wg.Go(func() {
			// Blocks of tallRows rows stay in L2 for all the column blocks of b.
			for r0 := lo; r0 < hi; r0 += tallRows {
				r1 := min(r0+tallRows, hi)
				rows := a.Narrow(0, r0, r1-r0)
				for c, bc := range cols {
					w := bc.Size(1)
					r := rows.MatMul(bc).HostFloat32()
					if colMajor {
						for j := range w {
							dst := out[(c*tallNarrow+j)*m+r0 : (c*tallNarrow+j)*m+r1]
							for i := range dst {
								dst[i] = r[i*w+j]
							}
						}
						continue
					}
					for i := range r1 - r0 {
						copy(out[(r0+i)*n+c*tallNarrow:(r0+i)*n+c*tallNarrow+w], r[i*w:(i+1)*w])
					}
				}
			}
		})
	}
	wg.Wait()
	if colMajor {
		return ot.T()
	}
	return ot
}

func mul(a, b mat.Matrix) *mat.Dense {
	r, _ := a.Dims()
	_, c := b.Dims()
	out := mat.NewDense(r, c, nil)
	out.Mul(a, b)
	return out
}

// cholQR2 returns Q of the economic QR factorisation of a float64 y [rows, c] (c < rows) by
// CholeskyQR2: Q₁ = y·R₁⁻¹ with y'y = R₁'R₁ (Cholesky), then the same again from Q₁, every
// product through Ember's GEMM. Q matches Householder QR's up to the signs of its columns
// (which the SVD of Qᵀ·A and svd_flip absorb) and rounding. ok is false — use
// orthonormalBasis — when y is too ill-conditioned: a Cholesky factorisation fails, or Q₁ is
// far from orthonormal (an entry of Q₁'Q₁ − I above 0.1, so the second pass could not
// restore orthonormality to rounding error).
func cholQR2(y *tensor.Tensor) (*tensor.Tensor, bool) {
	rows, c := y.Size(0), y.Size(1)
	if c >= rows {
		return nil, false
	}
	q := y
	for pass := range 2 {
		g := q.T().MatMul(q).Float64s()
		if pass == 1 {
			for i := range c {
				for j := range c {
					e := g[i*c+j]
					if i == j {
						e--
					}
					if math.Abs(e) > 0.1 {
						return nil, false
					}
				}
			}
		}
		rinv, ok := cholInvUpper(g, c)
		if !ok {
			return nil, false
		}
		q = q.MatMul(tensor.FromSlice(rinv, c, c))
	}
	return q, true
}

// cholInvUpper returns R⁻¹ (row-major [c, c], upper triangular) for the Cholesky factor R of
// the symmetric g = R'R; ok is false when g is not numerically positive definite.
func cholInvUpper(g []float64, c int) ([]float64, bool) {
	r := make([]float64, c*c)
	for j := range c {
		d := g[j*c+j]
		for p := range j {
			d -= r[p*c+j] * r[p*c+j]
		}
		if !(d > 1e-12*g[j*c+j]) || !(d > 0) {
			return nil, false
		}
		r[j*c+j] = math.Sqrt(d)
		for i := j + 1; i < c; i++ {
			s := g[j*c+i]
			for p := range j {
				s -= r[p*c+j] * r[p*c+i]
			}
			r[j*c+i] = s / r[j*c+j]
		}
	}
	// Back substitution, column by column: R·X = I.
	inv := make([]float64, c*c)
	for col := range c {
		for i := col; i >= 0; i-- {
			s := 0.0
			if i == col {
				s = 1
			}
			for p := i + 1; p <= col; p++ {
				s -= r[i*c+p] * inv[p*c+col]
			}
			inv[i*c+col] = s / r[i*c+i]
		}
	}
	return inv, true
}

// orthonormalBasis returns Q of the economic QR factorisation of y [rows, c]; when c ≥ rows
// the range is all of R^rows and the identity is returned. y is overwritten.
func orthonormalBasis(y *mat.Dense, rows int) *mat.Dense {
	_, c := y.Dims()
	if c >= rows {
		id := mat.NewDense(rows, rows, nil)
		for i := range rows {
			id.Set(i, i, 1)
		}
		return id
	}
	// The economic Q straight from LAPACK's reflectors: mat.QR would build the full
	// rows×rows Q (28 GB for 60,000 samples).
	g := y.RawMatrix()
	tau := make([]float64, c)
	work := []float64{0}
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(g, tau, work, len(work))
	work = []float64{0}
	lapack64.Orgqr(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Orgqr(g, tau, work, len(work))
	return y
}

// luLeaf is the widest column block that luPanel factors with plain loops; wider blocks
// split in two and update the trailing block with one GEMM.
const luLeaf = 8

// luPermutedL returns P·L of the LU factorisation with partial pivoting y = P·L·U
// (scipy.linalg.lu with permute_l=True): a tensor of T [rows, min(rows, cols)] with the span
// of y's leading columns and entries of magnitude ≤ 1, used to keep power iterations
// stable; it is returned column-major (the transposed view of a contiguous tensor). The
// factorisation is LAPACK's getrf, recursive, on y's leading min(rows, cols) columns stored
// column-major (so that pivot searches and column updates run over contiguous values): a
// column-major y with rows ≥ cols that covers its storage is factored in place, and so
// consumed; any other y is copied. Row swaps exchange whole rows, and the trailing update of
// each split is one matrix product (tensor.MatMul).
func luPermutedL[T float](y *tensor.Tensor) *tensor.Tensor {
	rows, cols := y.Size(0), y.Size(1)
	k := min(rows, cols)
	var wt *tensor.Tensor // column j of y's leading k is row j
	const blk = 64
	if st := y.Strides(); st[0] == 1 && st[1] == rows && k == cols && host[T](y.T()) != nil {
		wt = y.T() // y is column-major already: factor it in place
	} else {
		wt = tensor.ZerosOf(dtypeOf[T](), k, rows)
		w := host[T](wt)
		src := host[T](y.Contiguous())
		if src == nil {
			src = host[T](y.Clone())
		}
		for i0 := 0; i0 < rows; i0 += blk {
			i1 := min(i0+blk, rows)
			for j := range k {
				cj := w[j*rows : (j+1)*rows]
				for i := i0; i < i1; i++ {
					cj[i] = src[i*cols+j]
				}
			}
		}
	}
	w := host[T](wt)
	perm := make([]int, rows)
	for i := range perm {
		perm[i] = i
	}
	luPanel(w, wt, rows, k, 0, k, perm)
	ot := tensor.ZerosOf(dtypeOf[T](), k, rows)
	out := host[T](ot) // column-major: column j at out[j·rows : (j+1)·rows]
	for j := range k {
		cj, oj := w[j*rows:(j+1)*rows], out[j*rows:(j+1)*rows]
		oj[perm[j]] = 1
		for i := j + 1; i < rows; i++ {
			oj[perm[i]] = cj[i]
		}
	}
	return ot.T()
}

// luPanel factors columns [c0, c0+kb) over rows [c0, rows) with partial pivoting, in place:
// multipliers below the diagonal, U on and above it. w holds the k columns column-major
// (column j at w[j·rows : (j+1)·rows]; wt is its tensor [k, rows]). Row swaps exchange the
// entries of all k columns and of perm; columns left of c0 are already factored and columns
// right of c0+kb are touched only by swaps.
func luPanel[T float](w []T, wt *tensor.Tensor, rows, k, c0, kb int, perm []int) {
	col := func(j int) []T { return w[j*rows : (j+1)*rows] }
	if kb <= luLeaf {
		for c := c0; c < c0+kb; c++ {
			cc := col(c)
			p, best := c, math.Abs(float64(cc[c]))
			for i, v := range cc[c+1:] {
				if a := math.Abs(float64(v)); a > best {
					p, best = c+1+i, a
				}
			}
			if p != c {
				for j := range k {
					cj := col(j)
					cj[c], cj[p] = cj[p], cj[c]
				}
				perm[c], perm[p] = perm[p], perm[c]
			}
			piv := cc[c]
			if piv == 0 { // the whole column below is 0 too
				continue
			}
			l := cc[c+1:]
			inv := 1 / piv
			for i := range l {
				l[i] *= inv
			}
			for j := c + 1; j < c0+kb; j++ {
				cj := col(j)
				u := cj[c]
				if u == 0 {
					continue
				}
				dst := cj[c+1:]
				for i, v := range l {
					dst[i] -= u * v
				}
			}
		}
		return
	}
	h := kb / 2
	c1, c2 := c0+h, c0+kb
	luPanel(w, wt, rows, k, c0, h, perm)
	// U12 = L11⁻¹·A12: forward substitution with the unit lower triangle of the left half.
	for j := c1; j < c2; j++ {
		cj := col(j)
		for p := c0; p < c1; p++ {
			u := cj[p]
			if u == 0 {
				continue
			}
			lp := col(p)[p+1 : c1]
			dst := cj[p+1 : c1]
			for i, v := range lp {
				dst[i] -= u * v
			}
		}
	}
	// A22 -= L21·U12, transposed: A22ᵀ -= U12ᵀ·L21ᵀ.
	if rows > c1 {
		u12t := wt.Narrow(0, c1, kb-h).Narrow(1, c0, h)
		l21t := wt.Narrow(0, c0, h).Narrow(1, c1, rows-c1)
		prod := host[T](u12t.MatMul(l21t))
		n := rows - c1
		for j := c1; j < c2; j++ {
			dst, pj := col(j)[c1:], prod[(j-c1)*n:(j-c1+1)*n]
			for i, v := range pj {
				dst[i] -= v
			}
		}
	}
	luPanel(w, wt, rows, k, c1, kb-h, perm)
}
