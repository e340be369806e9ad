package decomp

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// Persistence: MarshalState returns an estimator's settings and scalar fitted attributes as
// JSON (scikit-learn's names) and its fitted arrays by name; UnmarshalState restores them,
// checking every array's dtype, shape and values, so that a corrupted state is an error and
// never a panic later. The checks are internal/state's, shared by all estimator packages;
// this package's own helpers follow.

// stateDense returns arrays[name] as a finite [rows, cols] matrix (-1: any size, but not 0).
func stateDense(op string, arrays map[string]*tensor.Tensor, name string, rows, cols int) (*mat.Dense, error) {
	v, shape, err := state.Floats(op, arrays, name, rows, cols)
	if err != nil {
		return nil, err
	}
	if shape[0] == 0 || shape[1] == 0 {
		return nil, fmt.Errorf("%s: array %q is empty (shape %v)", op, name, shape)
	}
	return mat.NewDense(shape[0], shape[1], v), nil
}

// PCA

type pcaState struct {
	NComponents         int     `json:"n_components"`
	NComponentsFraction float64 `json:"n_components_fraction"`
	SVDSolver           string  `json:"svd_solver"`
	Whiten              bool    `json:"whiten"`
	IteratedPower       int     `json:"iterated_power"`
	NOversamples        int     `json:"n_oversamples"`
	RandomState         uint64  `json:"random_state"`
	NoiseVariance       float64 `json:"noise_variance"`
	NComponentsFitted   int     `json:"n_components_fitted"`
	NSamples            int     `json:"n_samples"`
	NFeaturesIn         int     `json:"n_features_in"`
}

// MarshalState returns the fitted PCA's settings and scalars as JSON and its arrays:
// components, explained_variance, explained_variance_ratio, singular_values and mean.
func (p *PCA) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "pca: marshal state"
	if p.comp == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, pcaState{p.NComponents, p.NComponentsFraction, p.SVDSolver, p.Whiten,
		p.IteratedPower, p.NOversamples, p.RandomState, p.NoiseVariance, p.NComponentsFitted, p.NSamples, p.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"components": toTensor(p.comp), "explained_variance": vecTensor(p.ev),
		"explained_variance_ratio": p.ExplainedVarianceRatio.Clone(), "singular_values": p.SingularValues.Clone(),
		"mean": vecTensor(p.mean)}, nil
}

// UnmarshalState restores a PCA from what MarshalState returned.
func (p *PCA) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "pca: unmarshal state"
	var s pcaState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := PCA{NComponents: s.NComponents, NComponentsFraction: s.NComponentsFraction, SVDSolver: s.SVDSolver,
		Whiten: s.Whiten, IteratedPower: s.IteratedPower, NOversamples: s.NOversamples, RandomState: s.RandomState,
		NoiseVariance: s.NoiseVariance, NComponentsFitted: s.NComponentsFitted, NSamples: s.NSamples, NFeaturesIn: s.NFeaturesIn}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	k, d := s.NComponentsFitted, s.NFeaturesIn
	if s.NSamples < 2 || k < 1 || k > min(s.NSamples, d) {
		return fmt.Errorf("%s: n_components_fitted=%d must be in [1, min(n_samples=%d, n_features_in=%d)]", op, k, s.NSamples, d)
	}
	if _, err := r.check(s.NSamples, d); err != nil {
		return state.SettingsError(op, err)
	}
	var err error
	if r.comp, err = stateDense(op, arrays, "components", k, d); err != nil {
		return err
	}
	if r.mean, _, err = state.Floats(op, arrays, "mean", d); err != nil {
		return err
	}
	if r.ev, _, err = state.Floats(op, arrays, "explained_variance", k); err != nil {
		return err
	}
	for i, v := range r.ev {
		if v < 0 || r.Whiten && v == 0 {
			return fmt.Errorf("%s: explained_variance[%d] is %g, want > 0 (≥ 0 without whitening)", op, i, v)
		}
	}
	ratio, _, err := state.Floats(op, arrays, "explained_variance_ratio", k)
	if err != nil {
		return err
	}
	sv, _, err := state.Floats(op, arrays, "singular_values", k)
	if err != nil {
		return err
	}
	r.Components, r.Mean = toTensor(r.comp), vecTensor(r.mean)
	r.ExplainedVariance, r.ExplainedVarianceRatio, r.SingularValues = vecTensor(r.ev), vecTensor(ratio), vecTensor(sv)
	*p = r
	return nil
}

// TruncatedSVD

type truncatedSVDState struct {
	NComponents  int    `json:"n_components"`
	Algorithm    string `json:"algorithm"`
	NIter        int    `json:"n_iter"`
	NOversamples int    `json:"n_oversamples"`
	RandomState  uint64 `json:"random_state"`
	NFeaturesIn  int    `json:"n_features_in"`
}

// MarshalState returns the fitted TruncatedSVD's settings as JSON and its arrays:
// components, explained_variance, explained_variance_ratio and singular_values.
func (t *TruncatedSVD) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "truncated svd: marshal state"
	if t.comp == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, truncatedSVDState{t.NComponents, t.Algorithm, t.NIter, t.NOversamples, t.RandomState, t.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"components": toTensor(t.comp), "explained_variance": t.ExplainedVariance.Clone(),
		"explained_variance_ratio": t.ExplainedVarianceRatio.Clone(), "singular_values": t.SingularValues.Clone()}, nil
}

// UnmarshalState restores a TruncatedSVD from what MarshalState returned.
func (t *TruncatedSVD) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "truncated svd: unmarshal state"
	var s truncatedSVDState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := TruncatedSVD{NComponents: s.NComponents, Algorithm: s.Algorithm, NIter: s.NIter, NOversamples: s.NOversamples,
		RandomState: s.RandomState, NFeaturesIn: s.NFeaturesIn}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	k, d := s.NComponents, s.NFeaturesIn
	// The number of samples is not kept: check against as many as Fit could have seen.
	if err := r.check(math.MaxInt32, d); err != nil {
		return state.SettingsError(op, err)
	}
	var err error
	if r.comp, err = stateDense(op, arrays, "components", k, d); err != nil {
		return err
	}
	vecs := make([][]float64, 3)
	for i, name := range []string{"explained_variance", "explained_variance_ratio", "singular_values"} {
		if vecs[i], _, err = state.Floats(op, arrays, name, k); err != nil {
			return err
		}
	}
	r.Components = toTensor(r.comp)
	r.ExplainedVariance, r.ExplainedVarianceRatio, r.SingularValues = vecTensor(vecs[0]), vecTensor(vecs[1]), vecTensor(vecs[2])
	*t = r
	return nil
}

// FastICA

type fastICAState struct {
	NComponents int     `json:"n_components"`
	Algorithm   string  `json:"algorithm"`
	Whiten      string  `json:"whiten"`
	Fun         string  `json:"fun"`
	Alpha       float64 `json:"alpha"`
	MaxIter     int     `json:"max_iter"`
	Tol         float64 `json:"tol"`
	RandomState uint64  `json:"random_state"`
	NIter       int     `json:"n_iter"`
	Converged   bool    `json:"converged"`
	NFeaturesIn int     `json:"n_features_in"`
}

// MarshalState returns the fitted FastICA's settings and scalars as JSON and its arrays:
// components, mixing, mean, whitening and, when set, w_init.
func (f *FastICA) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "fastica: marshal state"
	if f.comp == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, fastICAState{f.NComponents, f.Algorithm, f.Whiten, f.Fun, f.Alpha, f.MaxIter, f.Tol,
		f.RandomState, f.NIter, f.Converged, f.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{"components": toTensor(f.comp), "mixing": toTensor(f.mixing),
		"mean": vecTensor(f.mean), "whitening": f.Whitening.Clone()}
	if f.WInit != nil {
		arrays["w_init"] = f.WInit.Clone()
	}
	return params, arrays, nil
}

// UnmarshalState restores a FastICA from what MarshalState returned.
func (f *FastICA) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "fastica: unmarshal state"
	var s fastICAState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := FastICA{NComponents: s.NComponents, Algorithm: s.Algorithm, Whiten: s.Whiten, Fun: s.Fun, Alpha: s.Alpha,
		MaxIter: s.MaxIter, Tol: s.Tol, RandomState: s.RandomState, NIter: s.NIter, Converged: s.Converged, NFeaturesIn: s.NFeaturesIn}
	if err := r.check(2); err != nil { // the number of samples is not kept
		return state.SettingsError(op, err)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	d := s.NFeaturesIn
	var err error
	if r.comp, err = stateDense(op, arrays, "components", -1, d); err != nil {
		return err
	}
	k, _ := r.comp.Dims()
	if k > d || s.NComponents != 0 && k > s.NComponents {
		return fmt.Errorf("%s: components has %d rows, want at most n_components=%d and the %d features", op, k, s.NComponents, d)
	}
	if r.mixing, err = stateDense(op, arrays, "mixing", d, k); err != nil {
		return err
	}
	if r.mean, _, err = state.Floats(op, arrays, "mean", d); err != nil {
		return err
	}
	whitening, err := stateDense(op, arrays, "whitening", k, d)
	if err != nil {
		return err
	}
	if r.WInit, err = state.Setting(op, arrays, "w_init", k, k); err != nil {
		return err
	}
	r.Components, r.Mixing, r.Mean, r.Whitening = toTensor(r.comp), toTensor(r.mixing), vecTensor(r.mean), toTensor(whitening)
	*f = r
	return nil
}

// KernelPCA

type kernelPCAState struct {
	NComponents   int     `json:"n_components"`
	Kernel        string  `json:"kernel"`
	Gamma         float64 `json:"gamma"`
	Degree        int     `json:"degree"`
	Coef0         float64 `json:"coef0"`
	RemoveZeroEig bool    `json:"remove_zero_eig"`
	NFeaturesIn   int     `json:"n_features_in"`
	KFitAll       float64 `json:"k_fit_all"` // grand mean of the training kernel (KernelCenterer's K_fit_all_)
}

// MarshalState returns the fitted KernelPCA's settings and scalars as JSON and its arrays:
// eigenvalues_lambdas, eigenvectors_alphas, x_fit (the training samples, which Transform
// needs) and k_fit_rows (the training kernel's column means).
func (kp *KernelPCA) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "kernel pca: marshal state"
	if kp.xfit == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, kernelPCAState{kp.NComponents, kp.Kernel, kp.Gamma, kp.Degree, kp.Coef0,
		kp.RemoveZeroEig, kp.NFeaturesIn, kp.fitAll})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"eigenvalues_lambdas": vecTensor(kp.lambdas),
		"eigenvectors_alphas": toTensor(kp.alphas), "x_fit": toTensor(kp.xfit), "k_fit_rows": vecTensor(kp.fitRows)}, nil
}

// UnmarshalState restores a KernelPCA from what MarshalState returned.
func (kp *KernelPCA) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "kernel pca: unmarshal state"
	var s kernelPCAState
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	r := KernelPCA{NComponents: s.NComponents, Kernel: s.Kernel, Gamma: s.Gamma, Degree: s.Degree, Coef0: s.Coef0,
		RemoveZeroEig: s.RemoveZeroEig, NFeaturesIn: s.NFeaturesIn, fitAll: s.KFitAll}
	if err := r.check(); err != nil {
		return state.SettingsError(op, err)
	}
	if err := state.NeedFeatures(op, s.NFeaturesIn); err != nil {
		return err
	}
	if math.IsNaN(s.KFitAll) || math.IsInf(s.KFitAll, 0) {
		return fmt.Errorf("%s: k_fit_all must be finite, got %g", op, s.KFitAll)
	}
	var err error
	if r.xfit, err = stateDense(op, arrays, "x_fit", -1, s.NFeaturesIn); err != nil {
		return err
	}
	n, _ := r.xfit.Dims()
	if r.alphas, err = stateDense(op, arrays, "eigenvectors_alphas", n, -1); err != nil {
		return err
	}
	_, k := r.alphas.Dims()
	if k > n || s.NComponents != 0 && k > s.NComponents {
		return fmt.Errorf("%s: eigenvectors_alphas has %d columns, want at most n_components=%d and the %d samples", op, k, s.NComponents, n)
	}
	if r.lambdas, _, err = state.Floats(op, arrays, "eigenvalues_lambdas", k); err != nil {
		return err
	}
	for i, l := range r.lambdas {
		if l < 0 {
			return fmt.Errorf("%s: eigenvalues_lambdas[%d] is %g, want ≥ 0", op, i, l)
		}
	}
	if r.fitRows, _, err = state.Floats(op, arrays, "k_fit_rows", n); err != nil {
		return err
	}
	r.gamma = r.Gamma
	if r.gamma == 0 {
		r.gamma = 1 / float64(s.NFeaturesIn)
	}
	r.EigenvaluesLambdas, r.EigenvectorsAlphas = vecTensor(r.lambdas), toTensor(r.alphas)
	*kp = r
	return nil
}
