package decomp

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// randomizedSVD is scikit-learn's randomized_svd of m (Halko et al.): a Gaussian sketch of
// k+oversamples columns, nIter power iterations (nIter < 0 means 'auto': 7 when
// k < 0.1·min(rows, cols), else 4) normalised by LU when nIter > 2 and not at all otherwise,
// an orthonormal range basis by QR, then the exact SVD of the small projected matrix. The
// result is sign-flipped as svd_flip does on u and truncated to k. m is not modified.
func randomizedSVD(op string, m *mat.Dense, k, oversamples, nIter int, r *rand.Rand) (*mat.Dense, []float64, *mat.Dense, error) {
	rows, cols := m.Dims()
	if nIter < 0 {
		nIter = 4
		if float64(k) < 0.1*float64(min(rows, cols)) {
			nIter = 7
		}
	}
	var a mat.Matrix = m
	transpose := rows < cols
	if transpose {
		a = m.T()
	}
	q := rangeFinder(a, k+oversamples, nIter, r)
	_, qc := q.Dims()
	_, ac := a.Dims()
	b := mat.NewDense(qc, ac, nil)
	b.Mul(q.T(), a)
	uh, s, vt, err := thinSVD(op, b)
	if err != nil {
		return nil, nil, nil, err
	}
	ar, _ := a.Dims()
	_, uc := uh.Dims()
	u := mat.NewDense(ar, uc, nil)
	u.Mul(q, uh)
	if transpose {
		// a = mᵀ = u s vt, so m = vtᵀ s uᵀ.
		u, vt = mat.DenseCopyOf(vt.T()), mat.DenseCopyOf(u.T())
	}
	svdFlipU(u, vt)
	k = min(k, len(s))
	return mat.DenseCopyOf(u.Slice(0, rows, 0, k)), s[:k], mat.DenseCopyOf(vt.Slice(0, k, 0, cols)), nil
}

// rangeFinder returns an orthonormal basis of the approximate range of a (sklearn's
// randomized_range_finder with normalizer 'auto').
func rangeFinder(a mat.Matrix, size, nIter int, r *rand.Rand) *mat.Dense {
	ar, ac := a.Dims()
	q := mat.NewDense(ac, size, nil)
	raw := q.RawMatrix().Data
	for i := range raw {
		raw[i] = r.NormFloat64()
	}
	for range nIter {
		y := mul(a, q)
		if nIter > 2 {
			y = luPermutedL(y)
		}
		q = mul(a.T(), y)
		if nIter > 2 {
			q = luPermutedL(q)
		}
	}
	return orthonormalBasis(mul(a, q), ar)
}

func mul(a, b mat.Matrix) *mat.Dense {
	r, _ := a.Dims()
	_, c := b.Dims()
	out := mat.NewDense(r, c, nil)
	out.Mul(a, b)
	return out
}

// orthonormalBasis returns Q of the economic QR factorisation of y [rows, c]; when c ≥ rows
// the range is all of R^rows and the identity is returned.
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
	q := mat.DenseCopyOf(y)
	g := q.RawMatrix()
	tau := make([]float64, c)
	work := []float64{0}
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(g, tau, work, len(work))
	work = []float64{0}
	lapack64.Orgqr(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Orgqr(g, tau, work, len(work))
	return q
}

// luPermutedL returns P·L of the LU factorisation with partial pivoting y = P·L·U
// (scipy.linalg.lu with permute_l=True): a [rows, min(rows, cols)] matrix with the span of
// y's leading columns and entries of magnitude ≤ 1, used to keep power iterations stable.
func luPermutedL(y *mat.Dense) *mat.Dense {
	rows, cols := y.Dims()
	k := min(rows, cols)
	w := mat.DenseCopyOf(y)
	perm := make([]int, rows)
	for i := range perm {
		perm[i] = i
	}
	for c := range k {
		p, best := c, math.Abs(w.At(perm[c], c))
		for i := c + 1; i < rows; i++ {
			if a := math.Abs(w.At(perm[i], c)); a > best {
				p, best = i, a
			}
		}
		perm[c], perm[p] = perm[p], perm[c]
		piv := w.At(perm[c], c)
		for i := c + 1; i < rows; i++ {
			ri := w.RawRowView(perm[i])
			if piv == 0 {
				ri[c] = 0
				continue
			}
			ri[c] /= piv
			rc := w.RawRowView(perm[c])
			for j := c + 1; j < cols; j++ {
				ri[j] -= ri[c] * rc[j]
			}
		}
	}
	pl := mat.NewDense(rows, k, nil)
	for i, r := range perm {
		for j := range min(i, k) {
			pl.Set(r, j, w.At(r, j))
		}
		if i < k {
			pl.Set(r, i, 1)
		}
	}
	return pl
}
