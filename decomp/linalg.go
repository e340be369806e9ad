package decomp

import (
	"fmt"
	"math"
	"sync"

	"github.com/ember-ml/ember/backend/cpu"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// toTensor copies m into a float64 tensor of the same shape.
func toTensor(m mat.Matrix) *tensor.Tensor {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := range r {
		for j := range c {
			out = append(out, m.At(i, j))
		}
	}
	return tensor.FromSlice(out, r, c)
}

// vecTensor copies v into a 1-D float64 tensor.
func vecTensor(v []float64) *tensor.Tensor {
	return tensor.FromSlice(append([]float64(nil), v...), len(v))
}

// colMeans returns the column means of x.
func colMeans(x *mat.Dense) []float64 {
	n, d := x.Dims()
	mean := make([]float64, d)
	for i := range n {
		for j, v := range x.RawRowView(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	return mean
}

// subtractRow subtracts v from every row of x in place.
func subtractRow(x *mat.Dense, v []float64) {
	n, _ := x.Dims()
	for i := range n {
		row := x.RawRowView(i)
		for j := range row {
			row[j] -= v[j]
		}
	}
}

// addRow adds v to every row of x in place.
func addRow(x *mat.Dense, v []float64) {
	n, _ := x.Dims()
	for i := range n {
		row := x.RawRowView(i)
		for j := range row {
			row[j] += v[j]
		}
	}
}

// thinSVD returns the thin SVD x = U diag(s) Vᵀ, singular values in decreasing order.
func thinSVD(op string, x mat.Matrix) (u *mat.Dense, s []float64, vt *mat.Dense, err error) {
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, nil, nil, fmt.Errorf("%s: SVD did not converge", op)
	}
	u, v := new(mat.Dense), new(mat.Dense)
	svd.UTo(u)
	svd.VTo(v)
	return u, svd.Values(nil), mat.DenseCopyOf(v.T()), nil
}

// svdFlipU makes the entry of largest magnitude of each column of u positive, flipping the
// matching row of vt with it (scikit-learn's svd_flip with u_based_decision=True; the first
// of equal magnitudes decides). vt may be nil.
func svdFlipU(u, vt *mat.Dense) {
	r, c := u.Dims()
	for j := range c {
		best, at := -1.0, 0
		for i := range r {
			if a := math.Abs(u.At(i, j)); a > best {
				best, at = a, i
			}
		}
		if u.At(at, j) >= 0 {
			continue
		}
		for i := range r {
			u.Set(i, j, -u.At(i, j))
		}
		if vt != nil {
			row := vt.RawRowView(j)
			for k := range row {
				row[k] = -row[k]
			}
		}
	}
}

// pinv returns the Moore-Penrose pseudo-inverse of a, cutting singular values below
// max(rows, cols)·ε·s_max as scipy.linalg.pinv does.
func pinv(op string, a *mat.Dense) (*mat.Dense, error) {
	u, s, vt, err := thinSVD(op, a)
	if err != nil {
		return nil, err
	}
	r, c := a.Dims()
	cut := 0.0
	if len(s) > 0 {
		cut = float64(max(r, c)) * 2.220446049250313e-16 * s[0]
	}
	// pinv = V diag(1/s) Uᵀ.
	v := mat.DenseCopyOf(vt.T())
	for j, sv := range s {
		inv := 0.0
		if sv > cut {
			inv = 1 / sv
		}
		for i := range c {
			v.Set(i, j, v.At(i, j)*inv)
		}
	}
	out := mat.NewDense(c, r, nil)
	out.Mul(v, u.T())
	return out, nil
}

// readCentred validates X as readX does and copies it once into a contiguous tensor that
// the caller owns — float32 when X is float32, else float64 — centred on its column means
// (accumulated in float64, then rounded to the copy's dtype). It returns the means and the
// sum of squares of the centred copy (float64). The passes over X run on cpu.Threads()
// goroutines, over contiguous row ranges combined in order.
func readCentred(op string, X *tensor.Tensor) (xt *tensor.Tensor, mean []float64, sumSq float64, err error) {
	if X == nil {
		return nil, nil, 0, fmt.Errorf("%s: X is nil", op)
	}
	if X.Dim() != 2 {
		return nil, nil, 0, fmt.Errorf("%s: X must be 2-D [samples, features], got shape %v", op, X.Shape())
	}
	n, d := X.Size(0), X.Size(1)
	if n == 0 || d == 0 {
		return nil, nil, 0, fmt.Errorf("%s: X has shape %v: need at least one sample and one feature", op, X.Shape())
	}
	if X.DType() == tensor.Bool {
		return nil, nil, 0, fmt.Errorf("%s: X must be numeric, got bool", op)
	}
	if X.DType() == tensor.Float32 {
		xt = tensor.ZerosOf(tensor.Float32, n, d)
		src := X.HostFloat32()
		if src == nil {
			xt.CopyFrom(X)
			src = xt.HostFloat32()
		}
		mean, sumSq, err = centreInto(op, xt.HostFloat32(), src, n, d)
		return xt, mean, sumSq, err
	}
	xt = tensor.ZerosOf(tensor.Float64, n, d)
	src := X.HostFloat64()
	if src == nil {
		xt.CopyFrom(X)
		src = xt.HostFloat64()
	}
	mean, sumSq, err = centreInto(op, xt.HostFloat64(), src, n, d)
	return xt, mean, sumSq, err
}

// parts splits [0, n) rows into cpu.Threads() contiguous ranges (fewer for small n) and runs
// f(part, lo, hi) for each on its own goroutine.
func parts(n int, f func(p, lo, hi int)) int {
	k := max(1, min(cpu.Threads(), n/1024))
	var wg sync.WaitGroup
	for p := range k {
		wg.Go(func() { f(p, p*n/k, (p+1)*n/k) })
	}
	wg.Wait()
	return k
}

// centreInto checks that src (row-major [n, d]) is finite and writes it, less its column
// means, to dst (which may be src). It returns the means (summed in float64, then rounded to
// T for the subtraction) and the float64 sum of squares of dst.
func centreInto[T float](op string, dst, src []T, n, d int) ([]float64, float64, error) {
	sums := make([][]float64, cpu.Threads()+1)
	k := parts(n, func(p, lo, hi int) {
		s := make([]float64, d)
		for i := lo; i < hi; i++ {
			for j, v := range src[i*d : (i+1)*d] {
				s[j] += float64(v)
			}
		}
		sums[p] = s
	})
	mean := sums[0]
	for p := 1; p < k; p++ {
		for j, v := range sums[p] {
			mean[j] += v
		}
	}
	for _, v := range mean {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			for i, e := range src {
				if f := float64(e); math.IsNaN(f) || math.IsInf(f, 0) {
					return nil, 0, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, f, i/d, i%d)
				}
			}
			break
		}
	}
	m := make([]T, d)
	for j := range mean {
		mean[j] /= float64(n)
		m[j] = T(mean[j])
	}
	sq := make([]float64, k)
	parts(n, func(p, lo, hi int) {
		s := 0.0
		for i := lo; i < hi; i++ {
			row, out := src[i*d:(i+1)*d], dst[i*d:(i+1)*d]
			for j, v := range m {
				c := row[j] - v
				out[j] = c
				s += float64(c) * float64(c)
			}
		}
		sq[p] = s
	})
	total := 0.0
	for _, v := range sq {
		total += v
	}
	return mean, total, nil
}

// implicitCentring is the largest ratio n·‖mean‖² / ‖X − 1·meanᵀ‖²_F for which the randomized
// PCA of a float32 X multiplies X itself and corrects each product by its rank-one mean term,
// instead of copying X centred: X's norm is then at most √5 times the centred data's, so the
// products' float32 rounding error grows by at most that factor (about one bit of 24).
const implicitCentring = 4

// columnStats returns the column means of the row-major src [n, d] and the sum of squares
// of src less its means, accumulated in float64 (Σx and Σx² per column, over cpu.Threads()
// contiguous row ranges combined in order), after checking that src is finite.
func columnStats[T float](op string, src []T, n, d int) ([]float64, float64, error) {
	sums := make([][2][]float64, cpu.Threads()+1)
	k := parts(n, func(p, lo, hi int) {
		s, q := make([]float64, d), make([]float64, d)
		for i := lo; i < hi; i++ {
			for j, v := range src[i*d : (i+1)*d] {
				f := float64(v)
				s[j] += f
				q[j] += f * f
			}
		}
		sums[p] = [2][]float64{s, q}
	})
	mean, sq := sums[0][0], sums[0][1]
	for p := 1; p < k; p++ {
		for j := range mean {
			mean[j] += sums[p][0][j]
			sq[j] += sums[p][1][j]
		}
	}
	for _, v := range sq {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			for i, e := range src {
				if f := float64(e); math.IsNaN(f) || math.IsInf(f, 0) {
					return nil, 0, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, f, i/d, i%d)
				}
			}
			break
		}
	}
	total := 0.0
	for j := range mean {
		mean[j] /= float64(n)
		total += max(sq[j]-float64(n)*mean[j]*mean[j], 0)
	}
	return mean, total, nil
}
