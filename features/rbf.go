package features

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

// RBF maps each sample to its Gaussian (RBF) kernel values against fixed centres:
// exp(−Gamma·‖x − c‖²) for each centre c, as scikit-learn's rbf_kernel(X, Centers, gamma).
// It needs no fitting.
type RBF struct {
	Centers *tensor.Tensor // centres, [k, features]
	// Gamma is the kernel coefficient in 1/(feature unit)²; 0 means 1/features
	// (rbf_kernel's gamma=None).
	Gamma float64
}

// Transform returns the kernel values of X [samples, features] against the centres,
// float64 [samples, k].
func (r RBF) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	c, err := readX("rbf: Centers", r.Centers, inputs.RejectNaN)
	if err != nil {
		return nil, err
	}
	if !(r.Gamma >= 0) || math.IsInf(r.Gamma, 0) {
		return nil, fmt.Errorf("rbf: Gamma must be finite and ≥ 0, got %g", r.Gamma)
	}
	x, err := readFitted("rbf", X, c.d, inputs.RejectNaN)
	if err != nil {
		return nil, err
	}
	gamma := r.Gamma
	if gamma == 0 {
		gamma = 1 / float64(c.d)
	}
	out := matrix{data: make([]float64, x.n*c.n), n: x.n, d: c.n}
	for i := range x.n {
		for j := range c.n {
			out.row(i)[j] = math.Exp(-gamma * sqDist(x.row(i), c.row(j)))
		}
	}
	return out.toTensor(), nil
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		t := a[i] - b[i]
		s += t * t
	}
	return s
}

// RBFSampler is scikit-learn's RBFSampler (random Fourier features, Rahimi & Recht): z(x) =
// √(2/NComponents)·cos(x·W + b) with W drawn from N(0, 2·Gamma) [features, NComponents] and
// b uniform on [0, 2π), so that z(x)·z(y) approximates exp(−Gamma·‖x − y‖²), with an error
// of order 1/√NComponents.
type RBFSampler struct {
	Gamma       float64 // kernel coefficient (default 1), > 0
	NComponents int     // number of random features (default 100)
	RandomState uint64  // seed of W and b (not NumPy's numbers)

	RandomWeights *tensor.Tensor // W, float64 [features, NComponents] (random_weights_)
	RandomOffset  *tensor.Tensor // b, float64 [NComponents] (random_offset_)
	NFeaturesIn   int            // features seen by Fit

	w, b []float64
}

// NewRBFSampler returns an RBFSampler with scikit-learn's defaults (Gamma 1, 100
// components).
func NewRBFSampler() *RBFSampler { return &RBFSampler{Gamma: 1, NComponents: 100} }

// Fit draws the random weights for the number of features of X [samples, features].
func (s *RBFSampler) Fit(X *tensor.Tensor) error {
	x, err := readX("rbf sampler", X, inputs.RejectNaN)
	if err != nil {
		return err
	}
	return s.fit(x.d)
}

func (s *RBFSampler) fit(d int) error {
	switch {
	case !(s.Gamma > 0) || math.IsInf(s.Gamma, 0):
		return fmt.Errorf("rbf sampler: Gamma must be finite and > 0, got %g", s.Gamma)
	case s.NComponents < 1:
		return fmt.Errorf("rbf sampler: NComponents must be ≥ 1, got %d", s.NComponents)
	}
	r := tensor.NewGenerator(s.RandomState).Rand()
	s.w = make([]float64, d*s.NComponents)
	sd := math.Sqrt(2 * s.Gamma)
	for i := range s.w {
		s.w[i] = sd * r.NormFloat64()
	}
	s.b = make([]float64, s.NComponents)
	for i := range s.b {
		s.b[i] = 2 * math.Pi * r.Float64()
	}
	s.NFeaturesIn = d
	s.RandomWeights = tensor.FromSlice(append([]float64(nil), s.w...), d, s.NComponents)
	s.RandomOffset = tensor.FromSlice(append([]float64(nil), s.b...), s.NComponents)
	return nil
}

// Transform returns the random features of X [samples, features], float64
// [samples, NComponents].
func (s *RBFSampler) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("rbf sampler: transform", X, s.NFeaturesIn, inputs.RejectNaN)
	if err != nil {
		return nil, err
	}
	return s.transform(x), nil
}

func (s *RBFSampler) transform(x matrix) *tensor.Tensor {
	k := len(s.b)
	out := matrix{data: make([]float64, x.n*k), n: x.n, d: k}
	scale := math.Sqrt(2 / float64(k))
	for i := range x.n {
		o := out.row(i)
		copy(o, s.b)
		for f, v := range x.row(i) {
			wf := s.w[f*k : (f+1)*k]
			for j := range o {
				o[j] += v * wf[j]
			}
		}
		for j := range o {
			o[j] = scale * math.Cos(o[j])
		}
	}
	return out.toTensor()
}

// FitTransform fits on X and returns Transform(X).
func (s *RBFSampler) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readX("rbf sampler", X, inputs.RejectNaN)
	if err != nil {
		return nil, err
	}
	if err := s.fit(x.d); err != nil {
		return nil, err
	}
	return s.transform(x), nil
}
