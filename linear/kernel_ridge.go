package linear

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// KernelRidge is scikit-learn's KernelRidge: ridge regression in the feature space of a
// kernel, without intercept. Fit solves (K + Alpha·I)·DualCoef = y by Cholesky (by least
// squares when K + Alpha·I is not positive definite); Predict returns K(X, X_fit)·DualCoef.
// Kernels: "linear" x·z, "rbf" exp(−Gamma·‖x−z‖²), "poly" (Gamma·x·z + Coef0)^Degree.
// y may be [samples] or [samples, targets].
type KernelRidge struct {
	Alpha  float64 // penalty strength, ≥ 0 (default 1)
	Kernel string  // "linear" (default), "rbf" or "poly"
	Gamma  float64 // rbf and poly scale; 0 (default, scikit-learn's None) means 1/features
	Degree float64 // poly degree (default 3)
	Coef0  float64 // poly offset (default 1)

	DualCoef    *tensor.Tensor // float64 [samples], or [samples, targets] for a 2-D y
	NFeaturesIn int            // features seen by Fit

	x    *mat.Dense
	dual *mat.Dense // [samples, targets]
	oneD bool
}

// NewKernelRidge returns a KernelRidge with scikit-learn's defaults (linear kernel, Alpha 1).
func NewKernelRidge() *KernelRidge {
	return &KernelRidge{Alpha: 1, Kernel: "linear", Degree: 3, Coef0: 1}
}

func (k *KernelRidge) check(op string) error {
	if err := checkNonNegative(op, "Alpha", k.Alpha); err != nil {
		return err
	}
	if err := checkNonNegative(op, "Gamma", k.Gamma); err != nil {
		return err
	}
	switch k.Kernel {
	case "linear", "rbf", "poly":
		return nil
	}
	return fmt.Errorf("%s: Kernel must be \"linear\", \"rbf\" or \"poly\", got %q", op, k.Kernel)
}

// Fit solves for the dual coefficients on X [samples, features] and y.
func (k *KernelRidge) Fit(X, y *tensor.Tensor) error {
	const op = "kernel ridge"
	if err := k.check(op); err != nil {
		return err
	}
	x, err := inputs.ReadDense(op, X)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	ym, oneD, err := readY(op, y, n)
	if err != nil {
		return err
	}
	K := k.gram(x, x)
	for i := range n {
		K.Set(i, i, K.At(i, i)+k.Alpha)
	}
	dual, err := solveSPD(K, ym)
	if err != nil {
		return fmt.Errorf("%s: %v", op, err)
	}
	k.x, k.dual, k.oneD, k.NFeaturesIn = x, dual, oneD, d
	k.DualCoef = shaped(dual, oneD)
	return nil
}

// Predict returns K(X, X_fit)·DualCoef, shaped like the training y.
func (k *KernelRidge) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	p, err := k.predict("kernel ridge: Predict", X)
	if err != nil {
		return nil, err
	}
	return shaped(p, k.oneD), nil
}

func (k *KernelRidge) predict(op string, X *tensor.Tensor) (*mat.Dense, error) {
	x, err := inputs.ReadFittedDense(op, X, k.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	var out mat.Dense
	out.Mul(k.gram(x, k.x), k.dual)
	return &out, nil
}

// Score returns R² of Predict(X) against y, averaged over targets.
func (k *KernelRidge) Score(X, y *tensor.Tensor) (float64, error) {
	const op = "kernel ridge: Score"
	p, err := k.predict(op, X)
	if err != nil {
		return 0, err
	}
	n, t := p.Dims()
	ym, _, err := readY(op, y, n)
	if err != nil {
		return 0, err
	}
	if _, c := ym.Dims(); c != t {
		return 0, errTargets(op, c, t)
	}
	return r2(ym, p), nil
}

// gram returns the kernel matrix K(a, b) [rows of a, rows of b].
func (k *KernelRidge) gram(a, b *mat.Dense) *mat.Dense {
	_, d := a.Dims()
	gamma := k.Gamma
	if gamma == 0 {
		gamma = 1 / float64(d)
	}
	var K mat.Dense
	K.Mul(a, b.T())
	switch k.Kernel {
	case "poly":
		K.Apply(func(_, _ int, v float64) float64 { return math.Pow(gamma*v+k.Coef0, k.Degree) }, &K)
	case "rbf":
		na, nb := rowSqNorms(a), rowSqNorms(b)
		K.Apply(func(i, j int, v float64) float64 { return math.Exp(-gamma * max(na[i]-2*v+nb[j], 0)) }, &K)
	}
	return &K
}

func rowSqNorms(m *mat.Dense) []float64 {
	r, _ := m.Dims()
	out := make([]float64, r)
	for i := range out {
		row := m.RawRowView(i)
		out[i] = vdot(row, row)
	}
	return out
}

// solveSPD solves A·X = B for a symmetric A: by Cholesky when A is positive definite,
// else by least squares (SVD, minimum norm).
func solveSPD(A, B *mat.Dense) (*mat.Dense, error) {
	var chol mat.Cholesky
	var out mat.Dense
	if chol.Factorize(mat.NewSymDense(A.RawMatrix().Rows, A.RawMatrix().Data)) {
		if err := chol.SolveTo(&out, B); err == nil {
			return &out, nil
		}
	}
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDThin) {
		return nil, fmt.Errorf("the SVD of the kernel matrix did not converge")
	}
	rank := svd.Rank(eps)
	if rank == 0 {
		return mat.NewDense(A.RawMatrix().Rows, B.RawMatrix().Cols, nil), nil
	}
	svd.SolveTo(&out, B, rank)
	return &out, nil
}
