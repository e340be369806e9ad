package decomp_test

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/tensor"
)

// stater is the persistence contract every fitted estimator of this package meets.
type stater interface {
	MarshalState() ([]byte, map[string]*tensor.Tensor, error)
	UnmarshalState([]byte, map[string]*tensor.Tensor) error
}

// sameBits reports whether two tensors have the same dtype, shape and bits.
func sameBits(a, b *tensor.Tensor) error {
	if a == nil || b == nil {
		if a != b {
			return fmt.Errorf("one tensor is nil")
		}
		return nil
	}
	if a.DType() != b.DType() || !slices.Equal(a.Shape(), b.Shape()) {
		return fmt.Errorf("%v %v vs %v %v", a.DType(), a.Shape(), b.DType(), b.Shape())
	}
	if a.DType() == tensor.Int64 {
		if !slices.Equal(a.Int64s(), b.Int64s()) {
			return fmt.Errorf("values differ")
		}
		return nil
	}
	av, bv := a.Float64s(), b.Float64s()
	for i := range av {
		if math.Float64bits(av[i]) != math.Float64bits(bv[i]) {
			return fmt.Errorf("element %d: %v vs %v", i, av[i], bv[i])
		}
	}
	return nil
}

// arrayName is the contract's rule for array names.
var arrayName = regexp.MustCompile(`^[a-z0-9_.]+$`)

// roundTrip marshals fitted and unmarshals it into fresh, then marshals fresh again and
// checks that both states are equal.
func roundTrip(t *testing.T, fitted, fresh stater) {
	t.Helper()
	params, arrays, err := fitted.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range arrays {
		if !arrayName.MatchString(name) {
			t.Errorf("array name %q is not [a-z0-9_.]+", name)
		}
		if dt := a.DType(); dt != tensor.Float32 && dt != tensor.Float64 && dt != tensor.Int64 && dt != tensor.Bool {
			t.Errorf("array %q has dtype %v", name, dt)
		}
	}
	if err := fresh.UnmarshalState(params, arrays); err != nil {
		t.Fatal(err)
	}
	params2, arrays2, err := fresh.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if string(params) != string(params2) {
		t.Errorf("params differ after a round trip:\n%s\n%s", params, params2)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(arrays)), slices.Sorted(maps.Keys(arrays2))) {
		t.Errorf("array names differ: %v vs %v", slices.Sorted(maps.Keys(arrays)), slices.Sorted(maps.Keys(arrays2)))
	}
	for name, a := range arrays {
		if err := sameBits(a, arrays2[name]); err != nil {
			t.Errorf("array %s: %v", name, err)
		}
	}
}

// same checks that two outputs are bit-identical.
func same(t *testing.T, what string, a, b *tensor.Tensor, errA, errB error) {
	t.Helper()
	if errA != nil || errB != nil {
		t.Fatalf("%s: %v, %v", what, errA, errB)
	}
	if err := sameBits(a, b); err != nil {
		t.Errorf("%s differs after a round trip: %v", what, err)
	}
}

// unmarshalErr unmarshals into a fresh value and turns a panic into an error message.
func unmarshalErr(fresh func() stater, params []byte, arrays map[string]*tensor.Tensor) (err error, panicked any) {
	defer func() { panicked = recover() }()
	return fresh().UnmarshalState(params, arrays), nil
}

// corrupt checks that corrupted copies of a valid state are errors, never panics: bad
// JSON, each required array missing, reshaped (an extra dimension) or of another dtype,
// and NaN in each float array. extra adds estimator-specific corruptions; a nil one
// removes the generic case of that name.
func corrupt(t *testing.T, fitted stater, fresh func() stater, required []string, extra map[string]func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor)) {
	t.Helper()
	params, arrays, err := fitted.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	if err, p := unmarshalErr(fresh, params, arrays); err != nil || p != nil {
		t.Fatalf("valid state: %v (panic %v)", err, p)
	}
	cases := map[string]func() ([]byte, map[string]*tensor.Tensor){
		"bad json":   func() ([]byte, map[string]*tensor.Tensor) { return params[:len(params)/2], arrays },
		"empty json": func() ([]byte, map[string]*tensor.Tensor) { return []byte("{}"), arrays },
		"unknown field": func() ([]byte, map[string]*tensor.Tensor) {
			return append([]byte(`{"bogus":1,`), params[1:]...), arrays
		},
		"trailing json": func() ([]byte, map[string]*tensor.Tensor) { return append(slices.Clone(params), "{}"...), arrays },
		"nil arrays":    func() ([]byte, map[string]*tensor.Tensor) { return params, nil },
		"not an object": func() ([]byte, map[string]*tensor.Tensor) { return []byte("[1]"), arrays },
	}
	for _, name := range required {
		if arrays[name] == nil {
			t.Fatalf("MarshalState gave no array %q", name)
		}
		with := func(v *tensor.Tensor) func() ([]byte, map[string]*tensor.Tensor) {
			return func() ([]byte, map[string]*tensor.Tensor) {
				a := maps.Clone(arrays)
				if v == nil {
					delete(a, name)
				} else {
					a[name] = v
				}
				return params, a
			}
		}
		a := arrays[name]
		cases["missing "+name] = with(nil)
		cases["reshaped "+name] = with(a.Reshape(append(a.Shape(), 1)...))
		if a.DType() == tensor.Float64 {
			cases["float32 "+name] = with(a.To(tensor.Float32))
			if a.Numel() > 0 {
				v := a.Float64s()
				v[len(v)-1] = math.NaN()
				cases["nan in "+name] = with(tensor.FromSlice(v, a.Shape()...))
			}
		} else {
			cases["float64 "+name] = with(a.To(tensor.Float64))
		}
	}
	for name, f := range extra {
		if f == nil { // a generic case that is a valid state for this estimator
			delete(cases, name)
			continue
		}
		cases[name] = func() ([]byte, map[string]*tensor.Tensor) {
			return f(slices.Clone(params), maps.Clone(arrays))
		}
	}
	for name, f := range cases {
		p, a := f()
		err, panicked := unmarshalErr(fresh, p, a)
		switch {
		case panicked != nil:
			t.Errorf("%s: panic: %v", name, panicked)
		case err == nil:
			t.Errorf("%s: no error", name)
		default:
			t.Logf("%s: %v", name, err)
		}
	}
}

// replace returns p with the first old replaced by new.
func replace(p []byte, old, new string) []byte {
	if !strings.Contains(string(p), old) {
		panic("replace: " + old + " not in " + string(p))
	}
	return []byte(strings.Replace(string(p), old, new, 1))
}

type mutation = func([]byte, map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor)

// randX returns a random float64 matrix [n, d] with a low-rank structure, so that the
// decompositions have clear leading components.
func randX(n, d int, seed uint64) *tensor.Tensor {
	r := tensor.NewGenerator(seed).Rand()
	v := make([]float64, n*d)
	for i := range n {
		a, b := r.NormFloat64(), r.NormFloat64()
		for j := range d {
			v[i*d+j] = a*float64(j+1) + b*float64(d-j) + 0.1*r.NormFloat64() + float64(j)
		}
	}
	return tensor.FromSlice(v, n, d)
}

// transformer is what the decompositions share.
type transformer interface {
	stater
	Transform(*tensor.Tensor) (*tensor.Tensor, error)
	InverseTransform(*tensor.Tensor) (*tensor.Tensor, error)
}

// checkSameTransforms compares Transform and InverseTransform of a and b on X.
func checkSameTransforms(t *testing.T, name string, a, b transformer, X *tensor.Tensor) {
	t.Helper()
	z1, e1 := a.Transform(X)
	z2, e2 := b.Transform(X)
	same(t, name+" Transform", z1, z2, e1, e2)
	x1, e1 := a.InverseTransform(z1)
	x2, e2 := b.InverseTransform(z1)
	same(t, name+" InverseTransform", x1, x2, e1, e2)
}

func TestPCAState(t *testing.T) {
	X, Xt := randX(60, 5, 1), randX(20, 5, 2)
	for _, c := range []struct {
		solver string
		k      int
		whiten bool
	}{{"full", 0, false}, {"full", 2, true}, {"randomized", 2, false}} {
		p := decomp.NewPCA(c.k)
		p.SVDSolver, p.Whiten = c.solver, c.whiten
		if err := p.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.PCA
		roundTrip(t, p, &got)
		checkSameTransforms(t, c.solver, p, &got, Xt)
		same(t, "ExplainedVarianceRatio", p.ExplainedVarianceRatio, got.ExplainedVarianceRatio, nil, nil)
		corrupt(t, p, func() stater { return new(decomp.PCA) },
			[]string{"components", "explained_variance", "explained_variance_ratio", "singular_values", "mean"},
			map[string]mutation{
				"too many components": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"n_components_fitted":`, `"n_components_fitted":1`), a
				},
				"negative variance": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["explained_variance"] = a["explained_variance"].MulScalar(-1)
					return p, a
				},
				"no features": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"n_features_in":5`, `"n_features_in":0`), a
				},
			})
	}
}

func TestTruncatedSVDState(t *testing.T) {
	X, Xt := randX(40, 6, 3), randX(10, 6, 4)
	for _, alg := range []string{"randomized", "arpack"} {
		s := decomp.NewTruncatedSVD(3)
		s.Algorithm = alg
		if err := s.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.TruncatedSVD
		roundTrip(t, s, &got)
		checkSameTransforms(t, alg, s, &got, Xt)
		corrupt(t, s, func() stater { return new(decomp.TruncatedSVD) },
			[]string{"components", "explained_variance", "explained_variance_ratio", "singular_values"},
			map[string]mutation{
				"bad algorithm": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"`+alg+`"`, `"lapack"`), a
				},
				"n_components mismatch": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"n_components":3`, `"n_components":2`), a
				},
			})
	}
}

func TestFastICAState(t *testing.T) {
	X, Xt := randX(80, 4, 5), randX(10, 4, 6)
	for _, alg := range []string{"parallel", "deflation"} {
		f := decomp.NewFastICA(2)
		f.Algorithm = alg
		if alg == "deflation" {
			f.WInit = tensor.FromSlice([]float64{1, 0.5, -0.5, 1}, 2, 2)
		}
		if err := f.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.FastICA
		roundTrip(t, f, &got)
		checkSameTransforms(t, alg, f, &got, Xt)
		same(t, "Whitening", f.Whitening, got.Whitening, nil, nil)
		corrupt(t, f, func() stater { return new(decomp.FastICA) }, []string{"components", "mixing", "mean", "whitening"},
			map[string]mutation{
				"bad fun": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"logcosh"`, `"tanh"`), a
				},
				"more components than asked": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"n_components":2`, `"n_components":1`), a
				},
				"bad w_init": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["w_init"] = tensor.Zeros(3, 3)
					return p, a
				},
			})
	}
}

func TestKernelPCAState(t *testing.T) {
	X, Xt := randX(30, 3, 7), randX(10, 3, 8)
	for _, kernel := range []string{"linear", "rbf", "poly", "sigmoid"} {
		k := decomp.NewKernelPCA(3, kernel)
		if kernel != "linear" {
			k.Gamma = 0.05
		}
		if err := k.Fit(X); err != nil {
			t.Fatal(err)
		}
		var got decomp.KernelPCA
		roundTrip(t, k, &got)
		z1, e1 := k.Transform(Xt)
		z2, e2 := got.Transform(Xt)
		same(t, kernel+" Transform", z1, z2, e1, e2)
		same(t, "EigenvectorsAlphas", k.EigenvectorsAlphas, got.EigenvectorsAlphas, nil, nil)
		corrupt(t, k, func() stater { return new(decomp.KernelPCA) },
			[]string{"eigenvalues_lambdas", "eigenvectors_alphas", "x_fit", "k_fit_rows"},
			map[string]mutation{
				"bad kernel": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					return replace(p, `"`+kernel+`"`, `"cosine"`), a
				},
				"negative eigenvalue": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["eigenvalues_lambdas"] = a["eigenvalues_lambdas"].MulScalar(-1)
					return p, a
				},
				"fewer samples": func(p []byte, a map[string]*tensor.Tensor) ([]byte, map[string]*tensor.Tensor) {
					a["x_fit"] = randX(29, 3, 9)
					return p, a
				},
			})
	}
	if _, _, err := decomp.NewKernelPCA(2, "rbf").MarshalState(); err == nil {
		t.Error("MarshalState before Fit: no error")
	}
}

// FuzzUnmarshalState feeds arbitrary params, with the arrays of a valid state, to every
// estimator: UnmarshalState must not panic, and an accepted state must transform without
// panicking.
func FuzzUnmarshalState(f *testing.F) {
	X := randX(30, 4, 11)
	fitted := []interface {
		stater
		Fit(*tensor.Tensor) error
	}{decomp.NewPCA(2), decomp.NewTruncatedSVD(2), decomp.NewFastICA(2), decomp.NewKernelPCA(2, "rbf")}
	fresh := []func() stater{func() stater { return new(decomp.PCA) }, func() stater { return new(decomp.TruncatedSVD) },
		func() stater { return new(decomp.FastICA) }, func() stater { return new(decomp.KernelPCA) }}
	arrays := make([]map[string]*tensor.Tensor, len(fresh))
	for i, m := range fitted {
		if err := m.Fit(X); err != nil {
			f.Fatal(err)
		}
		params, a, err := m.MarshalState()
		if err != nil {
			f.Fatal(err)
		}
		arrays[i] = a
		f.Add(uint8(i), params)
	}
	f.Fuzz(func(t *testing.T, which uint8, params []byte) {
		i := int(which) % len(fresh)
		m := fresh[i]()
		if m.UnmarshalState(params, arrays[i]) != nil {
			return
		}
		tr := m.(interface {
			Transform(*tensor.Tensor) (*tensor.Tensor, error)
		})
		z, err := tr.Transform(X)
		if inv, ok := m.(transformer); ok && err == nil {
			_, _ = inv.InverseTransform(z)
		}
	})
}
