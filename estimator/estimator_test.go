package estimator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/estimator"
	"github.com/ember-ml/ember/features"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/svm"
	"github.com/ember-ml/ember/tensor"
)

// TestEveryKindLoads checks that every registered kind has MarshalState and UnmarshalState.
func TestEveryKindLoads(t *testing.T) {
	for _, k := range estimator.Kinds() {
		if _, err := estimator.New(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if _, err := estimator.New("nosuch.Model"); err == nil {
		t.Error("New accepted an unknown kind")
	}
}

func circles(t *testing.T) (Xtr, ytr, Xte, yte *tensor.Tensor) {
	t.Helper()
	X, y := synth.Circles(400, synth.Noise(0.1), synth.Factor(0.5), synth.Seed(3))
	tr, te, err := data.TrainTestSplit(X, y, 0.25, 1)
	if err != nil {
		t.Fatal(err)
	}
	return tr.X, tr.Y, te.X, te.Y
}

// saveLoad writes est to a file and reads it back.
func saveLoad(t *testing.T, est any) any {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := estimator.Save(path, est, map[string]string{"note": "x"}); err != nil {
		t.Fatalf("Save %T: %v", est, err)
	}
	got, meta, err := estimator.Load(path)
	if err != nil {
		t.Fatalf("Load %T: %v", est, err)
	}
	if meta["note"] != "x" {
		t.Errorf("extra metadata lost: %v", meta)
	}
	return got
}

func sameTensor(t *testing.T, what string, a, b *tensor.Tensor) {
	t.Helper()
	if !slices.Equal(a.Shape(), b.Shape()) || !slices.Equal(a.Float64s(), b.Float64s()) {
		t.Errorf("%s differs after loading:\n%v\n%v", what, a, b)
	}
}

// TestPipelineRoundTrip fits scaler → polynomial features → model pipelines, saves and loads
// them, and checks that the loaded pipeline predicts exactly as the fitted one.
func TestPipelineRoundTrip(t *testing.T) {
	Xtr, ytr, Xte, yte := circles(t)
	for _, final := range []any{
		linear.NewLogisticRegression(), neighbors.NewKNeighborsClassifier(), svm.NewSVC(),
		ensemble.NewRandomForestClassifier(), ensemble.NewHistGradientBoostingClassifier(),
		ensemble.NewDecisionTreeClassifier(),
	} {
		p := estimator.NewPipeline(&data.StandardScaler{}, features.NewPolynomialFeatures(2), final)
		if err := p.Fit(Xtr, ytr); err != nil {
			t.Fatalf("%T: %v", final, err)
		}
		acc, err := p.Score(Xte, yte)
		if err != nil || acc < 0.9 {
			t.Errorf("%T: test accuracy %.3f, %v; want ≥ 0.9", final, acc, err)
		}
		q := saveLoad(t, p).(*estimator.Pipeline)
		if len(q.Steps) != 3 || q.Steps[0].Name != "standardscaler" || q.Steps[1].Name != "polynomialfeatures" {
			t.Errorf("loaded steps %v", q.Steps)
		}
		a, err1 := p.Predict(Xte)
		b, err2 := q.Predict(Xte)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		sameTensor(t, "predictions", a, b)
		if _, ok := final.(estimator.ProbaPredictor); ok {
			if _, isSVC := final.(*svm.SVC); !isSVC {
				pa, _ := p.PredictProba(Xte)
				pb, err := q.PredictProba(Xte)
				if err != nil {
					t.Fatal(err)
				}
				sameTensor(t, "probabilities", pa, pb)
			}
		}
	}
}

// TestRegressorsAndTransformersRoundTrip saves single estimators of other kinds.
func TestRegressorsAndTransformersRoundTrip(t *testing.T) {
	X, y := synth.Regression(200, synth.Features(4), synth.Noise(0.1), synth.Seed(2))
	for _, m := range []interface {
		Fit(X, y *tensor.Tensor) error
		Predict(X *tensor.Tensor) (*tensor.Tensor, error)
	}{
		linear.NewLinearRegression(), linear.NewRidge(), linear.NewLasso(), svm.NewSVR(),
		neighbors.NewKNeighborsRegressor(), ensemble.NewRandomForestRegressor(),
		ensemble.NewHistGradientBoostingRegressor(), ensemble.NewDecisionTreeRegressor(),
	} {
		if err := m.Fit(X, y); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		got := saveLoad(t, m).(estimator.Predictor)
		a, _ := m.Predict(X)
		b, err := got.Predict(X)
		if err != nil {
			t.Fatal(err)
		}
		sameTensor(t, kind(m)+" predictions", a, b)
	}
	for _, m := range []estimator.Transformer{decomp.NewPCA(2), cluster.NewKMeans(3)} {
		if err := m.Fit(X); err != nil {
			t.Fatal(err)
		}
		got := saveLoad(t, m).(estimator.Transformer)
		a, _ := m.Transform(X)
		b, err := got.Transform(X)
		if err != nil {
			t.Fatal(err)
		}
		sameTensor(t, kind(m)+" transform", a, b)
	}
}

func kind(est any) string {
	k, err := estimator.KindOf(est)
	if err != nil {
		return err.Error()
	}
	return k
}

func TestPipelineErrors(t *testing.T) {
	Xtr, ytr, _, _ := circles(t)
	cases := []struct {
		name string
		p    *estimator.Pipeline
		want string
	}{
		{"empty", &estimator.Pipeline{}, "no steps"},
		{"model in the middle", estimator.NewPipeline(linear.NewLogisticRegression(), &data.StandardScaler{}), "not a transformer"},
		{"nil step", &estimator.Pipeline{Steps: []estimator.Step{{Name: "a"}}}, "is nil"},
		{"duplicate names", &estimator.Pipeline{Steps: []estimator.Step{{"a", &data.StandardScaler{}}, {"a", linear.NewLogisticRegression()}}}, "used twice"},
	}
	for _, c := range cases {
		err := c.p.Fit(Xtr, ytr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Fit error %v, want %q", c.name, err, c.want)
		}
	}
	p := estimator.NewPipeline(&data.StandardScaler{}, linear.NewLogisticRegression())
	if err := estimator.Save(filepath.Join(t.TempDir(), "x"), p, nil); err == nil {
		t.Error("saved an unfitted pipeline")
	}
	if err := estimator.Save(filepath.Join(t.TempDir(), "x"), struct{}{}, nil); err == nil {
		t.Error("saved a struct that is not an estimator")
	}
	if _, err := p.Predict(Xtr); err == nil {
		t.Error("an unfitted pipeline predicted")
	}
	if err := p.Fit(Xtr, ytr); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Transform(Xtr); err == nil || !strings.Contains(err.Error(), "no Transform") {
		t.Errorf("Transform through a classifier: %v", err)
	}
	if err := estimator.Save(filepath.Join(t.TempDir(), "missing", "m"), p, nil); err == nil {
		t.Error("saved into a missing folder")
	}
	if names := []string{estimator.NewPipeline(&data.StandardScaler{}, &data.StandardScaler{}, linear.NewRidge()).Steps[1].Name}; names[0] != "standardscaler-2" {
		t.Errorf("repeated step name %q, want standardscaler-2", names[0])
	}
}

// TestLoadRejectsDamagedFiles changes a saved pipeline's metadata and arrays and checks that
// Load returns an error every time instead of panicking.
func TestLoadRejectsDamagedFiles(t *testing.T) {
	Xtr, ytr, _, _ := circles(t)
	p := estimator.NewPipeline(&data.StandardScaler{}, ensemble.NewDecisionTreeClassifier())
	if err := p.Fit(Xtr, ytr); err != nil {
		t.Fatal(err)
	}
	params, arrays, err := p.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	bad := []func() ([]byte, map[string]*tensor.Tensor){
		func() ([]byte, map[string]*tensor.Tensor) { return []byte("{"), arrays },
		func() ([]byte, map[string]*tensor.Tensor) { return []byte(`{"steps":[]}`), arrays },
		func() ([]byte, map[string]*tensor.Tensor) {
			return bytes.Replace(params, []byte("ensemble.DecisionTreeClassifier"), []byte("os.Exit"), 1), arrays
		},
		func() ([]byte, map[string]*tensor.Tensor) {
			return bytes.Replace(params, []byte("ensemble.DecisionTreeClassifier"), []byte("pipeline"), 1), arrays
		},
		func() ([]byte, map[string]*tensor.Tensor) {
			a := map[string]*tensor.Tensor{"steps.7.x": tensor.Ones(1)}
			for k, v := range arrays {
				a[k] = v
			}
			return params, a
		},
		func() ([]byte, map[string]*tensor.Tensor) {
			a := map[string]*tensor.Tensor{}
			for k, v := range arrays {
				if !strings.HasPrefix(k, "steps.0.") {
					a[k] = v
				}
			}
			return params, a
		},
	}
	for i, f := range bad {
		ps, as := f()
		var q estimator.Pipeline
		if err := q.UnmarshalState(ps, as); err == nil {
			t.Errorf("case %d: damaged state accepted", i)
		}
	}
	if _, err := estimator.FromFile(&serialize.File{Metadata: map[string]string{}}); err == nil {
		t.Error("a file without estimator metadata was accepted")
	}
}

// FuzzLoad feeds mutated estimator files to Load: errors are fine, panics are not.
func FuzzLoad(f *testing.F) {
	X, y := synth.Moons(60, synth.Noise(0.2), synth.Seed(1))
	dir := f.TempDir()
	for i, m := range []any{
		estimator.NewPipeline(&data.StandardScaler{}, ensemble.NewDecisionTreeClassifier()),
		estimator.NewPipeline(&data.StandardScaler{}, neighbors.NewKNeighborsClassifier()),
		estimator.NewPipeline(&data.StandardScaler{}, svm.NewSVC()),
		estimator.NewPipeline(&data.StandardScaler{}, linear.NewLogisticRegression()),
	} {
		if err := m.(*estimator.Pipeline).Fit(X, y); err != nil {
			f.Fatal(err)
		}
		path := filepath.Join(dir, "m"+string(rune('0'+i)))
		if err := estimator.Save(path, m, nil); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := serialize.DecodeSafetensors(b)
		if err != nil {
			return
		}
		est, err := estimator.FromFile(file)
		if err != nil {
			return
		}
		if p, ok := est.(estimator.Predictor); ok {
			p.Predict(X) //nolint:errcheck // only panics matter
		}
	})
}
