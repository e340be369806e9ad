package decomp

import (
	"fmt"
	"math"
	"sort"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// KernelPCA is scikit-learn's KernelPCA with the dense eigen solver: the kernel matrix of
// the training samples is centred in feature space (KernelCenterer) and its leading
// eigenpairs are kept. Eigenvectors are signed as svd_flip does (largest-magnitude entry
// positive); eigenvalues are checked as for a positive semi-definite matrix (small
// negative or tiny positive values become 0, significant negative values are an error).
type KernelPCA struct {
	// NComponents is the number of components; 0 (default, scikit-learn's None) keeps every
	// component of non-zero eigenvalue. Larger than the number of samples means all.
	NComponents int
	Kernel      string // "linear" (default), "poly", "rbf" or "sigmoid"
	// Gamma is the kernel coefficient of rbf, poly and sigmoid; 0 (default) means
	// 1/features.
	Gamma  float64
	Degree int     // degree of poly (default 3)
	Coef0  float64 // independent term of poly and sigmoid (default 1)
	// RemoveZeroEig drops components of zero eigenvalue (always done when NComponents is 0).
	RemoveZeroEig bool

	EigenvaluesLambdas *tensor.Tensor // eigenvalues of the centred kernel, decreasing, float64 [k] (eigenvalues_)
	EigenvectorsAlphas *tensor.Tensor // matching unit eigenvectors, float64 [samples, k] (eigenvectors_)
	NFeaturesIn        int            // features seen by Fit

	xfit    *mat.Dense
	gamma   float64
	lambdas []float64
	alphas  *mat.Dense
	fitRows []float64
	fitAll  float64
}

// NewKernelPCA returns a KernelPCA with scikit-learn's defaults, the given kernel and k
// components (0: all of non-zero eigenvalue).
func NewKernelPCA(k int, kernel string) *KernelPCA {
	return &KernelPCA{NComponents: k, Kernel: kernel, Degree: 3, Coef0: 1}
}

func (kp *KernelPCA) check() error {
	switch {
	case kp.NComponents < 0:
		return fmt.Errorf("kernel pca: NComponents must be ≥ 0, got %d", kp.NComponents)
	case kp.Kernel != "linear" && kp.Kernel != "poly" && kp.Kernel != "rbf" && kp.Kernel != "sigmoid":
		return fmt.Errorf("kernel pca: Kernel must be \"linear\", \"poly\", \"rbf\" or \"sigmoid\", got %q", kp.Kernel)
	case !(kp.Gamma >= 0) || math.IsInf(kp.Gamma, 0):
		return fmt.Errorf("kernel pca: Gamma must be finite and ≥ 0, got %g", kp.Gamma)
	case kp.Degree < 0:
		return fmt.Errorf("kernel pca: Degree must be ≥ 0, got %d", kp.Degree)
	case math.IsNaN(kp.Coef0) || math.IsInf(kp.Coef0, 0):
		return fmt.Errorf("kernel pca: Coef0 must be finite, got %g", kp.Coef0)
	}
	return nil
}

// kernel returns the kernel matrix between the rows of a and b.
func (kp *KernelPCA) kernel(a, b *mat.Dense) *mat.Dense {
	k := mul(a, b.T())
	raw := k.RawMatrix()
	switch kp.Kernel {
	case "rbf":
		na, nb := rowSqNorms(a), rowSqNorms(b)
		for i := range raw.Rows {
			row := k.RawRowView(i)
			for j, v := range row {
				row[j] = math.Exp(-kp.gamma * max(na[i]-2*v+nb[j], 0))
			}
		}
	case "poly":
		for i, v := range raw.Data {
			raw.Data[i] = math.Pow(kp.gamma*v+kp.Coef0, float64(kp.Degree))
		}
	case "sigmoid":
		for i, v := range raw.Data {
			raw.Data[i] = math.Tanh(kp.gamma*v + kp.Coef0)
		}
	}
	return k
}

func rowSqNorms(m *mat.Dense) []float64 {
	r, _ := m.Dims()
	out := make([]float64, r)
	for i := range r {
		for _, v := range m.RawRowView(i) {
			out[i] += v * v
		}
	}
	return out
}

// Fit computes the kernel principal components of X [samples, features].
func (kp *KernelPCA) Fit(X *tensor.Tensor) error {
	x, err := inputs.ReadDense("kernel pca", X)
	if err != nil {
		return err
	}
	if err := kp.check(); err != nil {
		return err
	}
	_, d := x.Dims()
	kp.gamma = kp.Gamma
	if kp.gamma == 0 {
		kp.gamma = 1 / float64(d)
	}
	K := kp.kernel(x, x)
	fitRows := colMeans(K)
	fitAll := mean(fitRows)
	centreKernel(K, fitRows, fitAll)
	lambdas, alphas, err := topEigen(K, kp.NComponents)
	if err != nil {
		return err
	}
	if kp.RemoveZeroEig || kp.NComponents == 0 {
		if lambdas, alphas = dropZero(lambdas, alphas); alphas == nil {
			return fmt.Errorf("kernel pca: every eigenvalue of the centred kernel is zero: no component to keep")
		}
	}
	kp.xfit, kp.lambdas, kp.alphas, kp.fitRows, kp.fitAll, kp.NFeaturesIn = x, lambdas, alphas, fitRows, fitAll, d
	kp.EigenvaluesLambdas, kp.EigenvectorsAlphas = vecTensor(lambdas), toTensor(alphas)
	return nil
}

// centreKernel applies KernelCenterer: K − column means of the training kernel − row means
// of K + the grand mean of the training kernel.
func centreKernel(K *mat.Dense, fitRows []float64, fitAll float64) {
	r, _ := K.Dims()
	for i := range r {
		row := K.RawRowView(i)
		rm := 0.0
		for _, v := range row {
			rm += v
		}
		rm /= float64(len(fitRows))
		for j := range row {
			row[j] += fitAll - fitRows[j] - rm
		}
	}
}

// topEigen returns the k largest eigenpairs of the symmetric K (k = 0 or > n: all), PSD-
// checked, signed by svd_flip and sorted by decreasing eigenvalue.
func topEigen(K *mat.Dense, k int) ([]float64, *mat.Dense, error) {
	n, _ := K.Dims()
	if k == 0 || k > n {
		k = n
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (K.At(i, j)+K.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		return nil, nil, fmt.Errorf("kernel pca: eigendecomposition did not converge")
	}
	all := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	lambdas := append([]float64(nil), all[n-k:]...)
	alphas := mat.DenseCopyOf(vecs.Slice(0, n, n-k, n))
	if err := checkPSD(lambdas); err != nil {
		return nil, nil, err
	}
	svdFlipU(alphas, nil)
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lambdas[order[a]] > lambdas[order[b]] })
	sl := make([]float64, k)
	sa := mat.NewDense(n, k, nil)
	for c, o := range order {
		sl[c] = lambdas[o]
		sa.SetCol(c, mat.Col(nil, o, alphas))
	}
	return sl, sa, nil
}

// checkPSD applies scikit-learn's _check_psd_eigenvalues to float64 eigenvalues in place.
func checkPSD(l []float64) error {
	hi, lo := math.Inf(-1), math.Inf(1)
	for _, v := range l {
		hi, lo = max(hi, v), min(lo, v)
	}
	if hi < 0 {
		return fmt.Errorf("kernel pca: all eigenvalues are negative (maximum is %g): the kernel is not positive semi-definite", hi)
	}
	if lo < -1e-5*hi && lo < -1e-10 {
		return fmt.Errorf("kernel pca: there are significant negative eigenvalues (%g of the maximum positive): the kernel is not positive semi-definite", -lo/hi)
	}
	for i, v := range l {
		if v < 0 || v < 1e-12*hi {
			l[i] = 0
		}
	}
	return nil
}

// dropZero keeps the components of positive eigenvalue (nil when there are none).
func dropZero(l []float64, a *mat.Dense) ([]float64, *mat.Dense) {
	n, _ := a.Dims()
	keep := 0
	for keep < len(l) && l[keep] > 0 {
		keep++
	}
	if keep == 0 {
		return nil, nil
	}
	return l[:keep], mat.DenseCopyOf(a.Slice(0, n, 0, keep))
}

// Transform projects X [samples, features] on the fitted components: the centred kernel
// between X and the training samples times EigenvectorsAlphas / √EigenvaluesLambdas
// (components of zero eigenvalue give 0); float64 [samples, k].
func (kp *KernelPCA) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := inputs.ReadFittedDense("kernel pca: transform", X, kp.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	K := kp.kernel(x, kp.xfit)
	centreKernel(K, kp.fitRows, kp.fitAll)
	n, k := kp.alphas.Dims()
	scaled := mat.NewDense(n, k, nil)
	for j, l := range kp.lambdas {
		if l != 0 {
			for i := range n {
				scaled.Set(i, j, kp.alphas.At(i, j)/math.Sqrt(l))
			}
		}
	}
	return toTensor(mul(K, scaled)), nil
}

// FitTransform fits on X and returns EigenvectorsAlphas·√EigenvaluesLambdas, float64
// [samples, k].
func (kp *KernelPCA) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := kp.Fit(X); err != nil {
		return nil, err
	}
	out := mat.DenseCopyOf(kp.alphas)
	scaleCols(out, kp.lambdas, math.Sqrt)
	return toTensor(out), nil
}
