package linear

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// ElasticNet is scikit-learn's ElasticNet: it minimises
//
//	1/(2·samples)·‖y − X·coef − intercept‖² + Alpha·L1Ratio·‖coef‖₁ + Alpha·(1−L1Ratio)/2·‖coef‖²
//
// by cyclic coordinate descent on the centred data. After a sweep in which no coefficient
// moved by more than Tol times the largest coefficient (or after the last sweep), the
// duality gap is computed and fitting stops when it is below Tol·‖y‖² (y centred). y is
// 1-D [samples].
type ElasticNet struct {
	Alpha        float64 // penalty strength, ≥ 0 (default 1)
	L1Ratio      float64 // mix of the L1 and L2 penalties, in [0, 1] (default 0.5)
	FitIntercept bool    // centre X and y and fit an unpenalised intercept (default true)
	MaxIter      int     // most coordinate-descent sweeps (default 1000)
	Tol          float64 // tolerance of the stopping rule, ≥ 0 (default 1e-4)

	Coef        *tensor.Tensor // float64 [features]
	Intercept   float64        // fitted intercept
	NIter       int            // sweeps run
	DualGap     float64        // final duality gap divided by the number of samples
	Converged   bool           // whether the duality gap fell below the tolerance
	NFeaturesIn int            // features seen by Fit

	fit *linearFit
}

// NewElasticNet returns an ElasticNet with scikit-learn's defaults.
func NewElasticNet() *ElasticNet {
	return &ElasticNet{Alpha: 1, L1Ratio: 0.5, FitIntercept: true, MaxIter: 1000, Tol: 1e-4}
}

// Lasso is scikit-learn's Lasso: ElasticNet with L1Ratio 1 (Fit sets it).
type Lasso struct{ ElasticNet }

// NewLasso returns a Lasso with scikit-learn's defaults (Alpha 1).
func NewLasso() *Lasso {
	l := &Lasso{*NewElasticNet()}
	l.L1Ratio = 1
	return l
}

// Fit fits the L1-penalised least squares; it sets L1Ratio to 1.
func (l *Lasso) Fit(X, y *tensor.Tensor) error {
	l.L1Ratio = 1
	return l.fitAs("lasso", X, y)
}

// Fit fits the elastic net on X [samples, features] and y [samples].
func (e *ElasticNet) Fit(X, y *tensor.Tensor) error { return e.fitAs("elastic net", X, y) }

func (e *ElasticNet) check(op string) error {
	if err := checkNonNegative(op, "Alpha", e.Alpha); err != nil {
		return err
	}
	if err := checkNonNegative(op, "Tol", e.Tol); err != nil {
		return err
	}
	switch {
	case !(e.L1Ratio >= 0 && e.L1Ratio <= 1):
		return fmt.Errorf("%s: L1Ratio must be in [0, 1], got %g", op, e.L1Ratio)
	case e.MaxIter <= 0:
		return fmt.Errorf("%s: MaxIter must be > 0, got %d", op, e.MaxIter)
	}
	return nil
}

func (e *ElasticNet) fitAs(op string, X, y *tensor.Tensor) error {
	if err := e.check(op); err != nil {
		return err
	}
	x, err := inputs.ReadDense(op, X)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	yv, err := readY1(op, y, n)
	if err != nil {
		return err
	}
	ym := mat.NewDense(n, 1, yv)
	xMean, yMean := make([]float64, d), []float64{0}
	if e.FitIntercept {
		xMean, yMean = centre(x), centre(ym)
	}
	cols := columns(x)
	cd := coordinateDescent(cols, yv, e.Alpha*e.L1Ratio*float64(n), e.Alpha*(1-e.L1Ratio)*float64(n), e.MaxIter, e.Tol)
	e.fit = newLinearFit(mat.NewDense(1, d, cd.w), xMean, yMean, true)
	e.Coef = tensor.FromSlice(cd.w, d)
	e.Intercept, e.NIter, e.DualGap, e.Converged, e.NFeaturesIn = e.fit.intercept[0], cd.iter, cd.gap/float64(n), cd.converged, d
	return nil
}

// Predict returns X·Coef + Intercept, float64 [samples].
func (e *ElasticNet) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	return e.fit.predictTensor("elastic net: Predict", X)
}

// Score returns R² of Predict(X) against y.
func (e *ElasticNet) Score(X, y *tensor.Tensor) (float64, error) {
	return e.fit.score("elastic net: Score", X, y)
}

// columns returns the columns of x as slices.
func columns(x *mat.Dense) [][]float64 {
	n, d := x.Dims()
	cols := make([][]float64, d)
	for j := range cols {
		cols[j] = make([]float64, n)
		for i := range n {
			cols[j][i] = x.At(i, j)
		}
	}
	return cols
}

// cdResult is the outcome of coordinate descent.
type cdResult struct {
	w         []float64
	gap       float64
	iter      int
	converged bool
}

// coordinateDescent minimises ½‖y − Xw‖² + l1·‖w‖₁ + ½·l2·‖w‖² (X given by columns),
// with scikit-learn's stopping rule (see ElasticNet).
func coordinateDescent(cols [][]float64, y []float64, l1, l2 float64, maxIter int, tol float64) cdResult {
	d := len(cols)
	w := make([]float64, d)
	r := append([]float64(nil), y...) // residual y − Xw
	norms := make([]float64, d)
	for j, c := range cols {
		norms[j] = vdot(c, c)
	}
	gapTol := tol * vdot(y, y)
	gap := 0.0
	for it := range maxIter {
		wMax, dwMax := 0.0, 0.0
		for j, c := range cols {
			if norms[j] == 0 {
				continue
			}
			old := w[j]
			if old != 0 {
				axpy(old, c, r)
			}
			rho := vdot(c, r)
			w[j] = math.Copysign(max(math.Abs(rho)-l1, 0), rho) / (norms[j] + l2)
			if w[j] != 0 {
				axpy(-w[j], c, r)
			}
			dwMax = max(dwMax, math.Abs(w[j]-old))
			wMax = max(wMax, math.Abs(w[j]))
		}
		if wMax == 0 || dwMax/wMax < tol || it == maxIter-1 {
			gap = dualGap(cols, y, r, w, l1, l2)
			if gap < gapTol {
				return cdResult{w: w, gap: gap, iter: it + 1, converged: true}
			}
		}
	}
	return cdResult{w: w, gap: gap, iter: maxIter}
}

// dualGap returns the duality gap of the elastic-net problem at w with residual r.
func dualGap(cols [][]float64, y, r, w []float64, l1, l2 float64) float64 {
	dual := 0.0 // ‖Xᵀr − l2·w‖∞
	for j, c := range cols {
		dual = max(dual, math.Abs(vdot(c, r)-l2*w[j]))
	}
	rNorm2, wNorm2, l1Norm := vdot(r, r), vdot(w, w), 0.0
	for _, v := range w {
		l1Norm += math.Abs(v)
	}
	scale, gap := 1.0, rNorm2
	if dual > l1 {
		scale = l1 / dual
		gap = 0.5 * (rNorm2 + rNorm2*scale*scale)
	}
	return gap + l1*l1Norm - scale*vdot(r, y) + 0.5*l2*(1+scale*scale)*wNorm2
}

func vdot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// axpy sets y += a·x.
func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}
