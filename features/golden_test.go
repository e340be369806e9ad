package features_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/ember-ml/ember/features"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type golden struct {
	PolyX [][]float64 `json:"poly_X"`
	Poly  []struct {
		MinDegree       int  `json:"min_degree"`
		Degree          int  `json:"degree"`
		InteractionOnly bool `json:"interaction_only"`
		IncludeBias     bool `json:"include_bias"`
		Output          [][]float64
		Names           []string
		NamesABC        []string `json:"names_abc"`
		Powers          [][]int64
	}
	RBFX       [][]float64 `json:"rbf_X"`
	RBFCenters [][]float64 `json:"rbf_centers"`
	RBF        []struct {
		Gamma  *float64
		Output [][]float64
	} `json:"rbf"`
	OneHot []struct {
		Name   string
		X      [][]float64
		IsInt  bool `json:"is_int"`
		Params struct {
			HandleUnknown string `json:"handle_unknown"`
			Drop          string
		}
		Categories [][]float64
		XNew       [][]float64 `json:"X_new"`
		Transform  [][]float64
		Names      []string
	} `json:"onehot"`
	OneHotUnknownError string `json:"onehot_unknown_error"`
	Label              []struct {
		Y       []any
		Classes []any
		Codes   []int64
		Inverse []any
	}
	ImputeX    [][]tensortest.Num `json:"impute_X"`
	ImputeXNew [][]tensortest.Num `json:"impute_X_new"`
	Impute     []struct {
		Params struct {
			Strategy          string
			FillValue         float64 `json:"fill_value"`
			KeepEmptyFeatures bool    `json:"keep_empty_features"`
		}
		Statistics   []tensortest.Num
		FitTransform [][]float64 `json:"fit_transform"`
		Transform    [][]float64
	}
}

var (
	goldenOnce sync.Once
	goldenData golden
	goldenErr  error
)

func load(t *testing.T) golden {
	t.Helper()
	goldenOnce.Do(func() {
		goldenErr = tensortest.LoadJSON("../testdata/golden/features.json", &goldenData)
	})
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	return goldenData
}

func closeTo(got *tensor.Tensor, want [][]float64, tol float64) error {
	if len(want) == 0 {
		return fmt.Errorf("empty golden")
	}
	if s := got.Shape(); len(s) != 2 || s[0] != len(want) || s[1] != len(want[0]) {
		return fmt.Errorf("shape %v, want [%d %d]", s, len(want), len(want[0]))
	}
	g := got.Float64s()
	for i, row := range want {
		for j, w := range row {
			v := g[i*len(row)+j]
			if !(math.Abs(v-w) <= tol*max(1, math.Abs(w))) {
				return fmt.Errorf("[%d %d] = %.15g, want %.15g", i, j, v, w)
			}
		}
	}
	return nil
}

func nums(rows [][]tensortest.Num) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		for _, v := range r {
			out[i] = append(out[i], float64(v))
		}
	}
	return out
}

func TestPolynomialFeaturesGolden(t *testing.T) {
	g := load(t)
	X := tensor.FromRows(g.PolyX)
	for _, c := range g.Poly {
		name := fmt.Sprintf("degree %d..%d interaction %v bias %v", c.MinDegree, c.Degree, c.InteractionOnly, c.IncludeBias)
		p := &features.PolynomialFeatures{Degree: c.Degree, MinDegree: c.MinDegree, InteractionOnly: c.InteractionOnly, IncludeBias: c.IncludeBias}
		Z, err := p.FitTransform(X)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := closeTo(Z, c.Output, 1e-12); err != nil {
			t.Errorf("%s: output: %v", name, err)
		}
		names, err := p.GetFeatureNamesOut(nil)
		if err != nil || strings.Join(names, ",") != strings.Join(c.Names, ",") {
			t.Errorf("%s: names %q (%v), want %q", name, names, err, c.Names)
		}
		names, _ = p.GetFeatureNamesOut([]string{"a", "b", "c"})
		if strings.Join(names, ",") != strings.Join(c.NamesABC, ",") {
			t.Errorf("%s: names %q, want %q", name, names, c.NamesABC)
		}
		if got, want := fmt.Sprint(p.Powers.Int64s()), fmt.Sprint(flatten(c.Powers)); got != want {
			t.Errorf("%s: powers %s, want %s", name, got, want)
		}
	}
}

func flatten(m [][]int64) []int64 {
	var out []int64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

func TestPolynomialFeaturesErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{1, 2}})
	for _, c := range []struct {
		p    *features.PolynomialFeatures
		want string
	}{
		{&features.PolynomialFeatures{Degree: -1, IncludeBias: true}, "≥ 0"},
		{&features.PolynomialFeatures{Degree: 1, MinDegree: 2}, "MinDegree"},
		{&features.PolynomialFeatures{Degree: 0}, "no output"},
		{&features.PolynomialFeatures{Degree: 3, MinDegree: 3, InteractionOnly: true}, "no output"},
	} {
		if err := c.p.Fit(X); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want one containing %q", c.p, err, c.want)
		}
	}
	p := features.NewPolynomialFeatures(2)
	if _, err := p.Transform(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("Transform before Fit: %v", err)
	}
	if _, err := p.GetFeatureNamesOut(nil); err == nil {
		t.Error("names before Fit: no error")
	}
	if err := p.Fit(X); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetFeatureNamesOut([]string{"a"}); err == nil {
		t.Error("1 name for 2 features: no error")
	}
	if _, err := p.Transform(tensor.FromRows([][]float64{{1, 2, 3}})); err == nil {
		t.Error("3 features after fitting 2: no error")
	}
	if _, err := p.Transform(tensor.FromSlice([]float64{1, 2})); err == nil {
		t.Error("1-D X: no error")
	}
}

func TestRBFGolden(t *testing.T) {
	g := load(t)
	for _, c := range g.RBF {
		r := features.RBF{Centers: tensor.FromRows(g.RBFCenters)}
		if c.Gamma != nil {
			r.Gamma = *c.Gamma
		}
		Z, err := r.Transform(tensor.FromRows(g.RBFX))
		if err != nil {
			t.Fatal(err)
		}
		if err := closeTo(Z, c.Output, 1e-12); err != nil {
			t.Errorf("gamma %v: %v", r.Gamma, err)
		}
	}
	bad := []features.RBF{{}, {Centers: tensor.FromRows(g.RBFCenters), Gamma: -1}, {Centers: tensor.FromRows([][]float64{{1, 2}})}}
	for _, r := range bad {
		if _, err := r.Transform(tensor.FromRows(g.RBFX)); err == nil {
			t.Errorf("%+v: no error", r)
		}
	}
}

func TestOneHotEncoderGolden(t *testing.T) {
	g := load(t)
	for _, c := range g.OneHot {
		t.Run(c.Name, func(t *testing.T) {
			e := features.NewOneHotEncoder()
			if c.Params.HandleUnknown != "" {
				e.HandleUnknown = c.Params.HandleUnknown
			}
			if c.Params.Drop != "" {
				e.Drop = c.Params.Drop
			}
			X, Xnew := tensor.FromRows(c.X), tensor.FromRows(c.XNew)
			if c.IsInt {
				X, Xnew = X.To(tensor.Int64), Xnew.To(tensor.Int64)
			}
			if err := e.Fit(X); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(e.Categories) != fmt.Sprint(c.Categories) {
				t.Errorf("categories %v, want %v", e.Categories, c.Categories)
			}
			Z, err := e.Transform(Xnew)
			if err != nil {
				t.Fatal(err)
			}
			if err := closeTo(Z, c.Transform, 0); err != nil {
				t.Errorf("transform: %v", err)
			}
			names, err := e.GetFeatureNamesOut(nil)
			if err != nil || strings.Join(names, ",") != strings.Join(c.Names, ",") {
				t.Errorf("names %q (%v), want %q", names, err, c.Names)
			}
		})
	}
}

func TestOneHotEncoderErrors(t *testing.T) {
	g := load(t)
	X := tensor.FromRows([][]int64{{0, 3, 10}, {1, 3, 20}, {2, 5, 10}, {1, 4, 10}, {0, 5, 20}})
	e := features.NewOneHotEncoder()
	if _, err := e.Transform(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("Transform before Fit: %v", err)
	}
	if err := e.Fit(X); err != nil {
		t.Fatal(err)
	}
	_, err := e.Transform(tensor.FromRows([][]int64{{3, 4, 10}, {0, 6, 30}}))
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(g.OneHotUnknownError)) {
		t.Errorf("unknown category: err = %v, want one containing %q", err, g.OneHotUnknownError)
	}
	for _, bad := range []*features.OneHotEncoder{{HandleUnknown: "warn"}, {HandleUnknown: "error", Drop: "last"}} {
		if err := bad.Fit(X); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	if err := e.Fit(tensor.FromRows([][]float64{{1}, {math.NaN()}})); err == nil {
		t.Error("NaN category: no error")
	}
}

func TestLabelEncoderGolden(t *testing.T) {
	g := load(t)
	str, ints := g.Label[0], g.Label[1]
	var ls features.LabelEncoder[string]
	codes, err := ls.FitTransform(strs(str.Y))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ls.Classes) != fmt.Sprint(strs(str.Classes)) || fmt.Sprint(codes.Int64s()) != fmt.Sprint(str.Codes) {
		t.Errorf("strings: classes %v codes %v, want %v %v", ls.Classes, codes.Int64s(), str.Classes, str.Codes)
	}
	inv, err := ls.InverseTransform(tensor.FromSlice([]int64{0, 1, 1}))
	if err != nil || fmt.Sprint(inv) != fmt.Sprint(strs(str.Inverse)) {
		t.Errorf("strings: inverse %v (%v), want %v", inv, err, str.Inverse)
	}
	var li features.LabelEncoder[int64]
	codes, err = li.FitTransform(int64s(ints.Y))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(li.Classes) != fmt.Sprint(int64s(ints.Classes)) || fmt.Sprint(codes.Int64s()) != fmt.Sprint(ints.Codes) {
		t.Errorf("ints: classes %v codes %v, want %v %v", li.Classes, codes.Int64s(), ints.Classes, ints.Codes)
	}
	inv2, err := li.InverseTransform(tensor.FromSlice([]int64{0, 1, 1}))
	if err != nil || fmt.Sprint(inv2) != fmt.Sprint(int64s(ints.Inverse)) {
		t.Errorf("ints: inverse %v (%v), want %v", inv2, err, ints.Inverse)
	}
}

func strs(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.(string)
	}
	return out
}

func int64s(v []any) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x.(float64))
	}
	return out
}

func TestLabelEncoderErrors(t *testing.T) {
	var l features.LabelEncoder[string]
	if _, err := l.Transform([]string{"a"}); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("Transform before Fit: %v", err)
	}
	if _, err := l.InverseTransform(tensor.FromSlice([]int64{0})); err == nil {
		t.Error("InverseTransform before Fit: no error")
	}
	if err := l.Fit(nil); err == nil {
		t.Error("empty y: no error")
	}
	if err := l.Fit([]string{"b", "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Transform([]string{"a", "z", "c", "z"}); err == nil || !strings.Contains(err.Error(), "unseen labels: [c z]") {
		t.Errorf("unseen: %v", err)
	}
	for _, codes := range []*tensor.Tensor{tensor.FromSlice([]int64{2}), tensor.FromSlice([]int64{-1}), tensor.FromSlice([]float64{0.5}), tensor.FromRows([][]int64{{0}}), nil} {
		if _, err := l.InverseTransform(codes); err == nil {
			t.Errorf("codes %v: no error", codes)
		}
	}
	var lf features.LabelEncoder[float64]
	if err := lf.Fit([]float64{1, math.NaN()}); err == nil {
		t.Error("NaN label: no error")
	}
}

func TestSimpleImputerGolden(t *testing.T) {
	g := load(t)
	X, Xnew := tensor.FromRows(nums(g.ImputeX)), tensor.FromRows(nums(g.ImputeXNew))
	for _, c := range g.Impute {
		name := fmt.Sprintf("%+v", c.Params)
		s := features.NewSimpleImputer(c.Params.Strategy)
		s.FillValue, s.KeepEmptyFeatures = c.Params.FillValue, c.Params.KeepEmptyFeatures
		Z, err := s.FitTransform(X)
		if err != nil {
			t.Fatal(err)
		}
		stats := s.Statistics.Float64s()
		for i, w := range c.Statistics {
			if v := stats[i]; !(v == float64(w) || math.IsNaN(v) && math.IsNaN(float64(w))) && math.Abs(v-float64(w)) > 1e-12 {
				t.Errorf("%s: statistics[%d] = %g, want %g", name, i, v, float64(w))
			}
		}
		if err := closeTo(Z, c.FitTransform, 1e-12); err != nil {
			t.Errorf("%s: fit transform: %v", name, err)
		}
		got, err := s.Transform(Xnew)
		if err != nil {
			t.Fatal(err)
		}
		if err := closeTo(got, c.Transform, 1e-12); err != nil {
			t.Errorf("%s: transform: %v", name, err)
		}
	}
}

func TestSimpleImputerErrors(t *testing.T) {
	X := tensor.FromRows([][]float64{{1, math.NaN()}, {2, 3}})
	s := features.NewSimpleImputer("mean")
	if _, err := s.Transform(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
		t.Errorf("Transform before Fit: %v", err)
	}
	for _, bad := range []*features.SimpleImputer{{Strategy: "mode"}, {Strategy: "constant", FillValue: math.NaN()}} {
		if err := bad.Fit(X); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	if err := s.Fit(tensor.FromRows([][]float64{{1, math.Inf(1)}})); err == nil {
		t.Error("infinite value: no error")
	}
	if err := s.Fit(X); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transform(tensor.FromRows([][]float64{{1}})); err == nil {
		t.Error("1 feature after fitting 2: no error")
	}
}
