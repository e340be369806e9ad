package state_test

import (
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
)

func TestParams(t *testing.T) {
	type p struct {
		A int `json:"a"`
	}
	b, err := state.MarshalParams("op", p{3})
	if err != nil || string(b) != `{"a":3}` {
		t.Fatalf("MarshalParams: %s, %v", b, err)
	}
	var got p
	if err := state.UnmarshalParams("op", b, &got); err != nil || got.A != 3 {
		t.Fatalf("UnmarshalParams: %+v, %v", got, err)
	}
	for in, want := range map[string]string{
		`{"a":1,"b":2}`: `op: bad params: json: unknown field "b"`,
		`{"a":1}{}`:     "op: bad params: trailing data after the JSON object",
		`{"a":`:         "op: bad params: unexpected EOF",
	} {
		if err := state.UnmarshalParams("op", []byte(in), &got); err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %s", in, err, want)
		}
	}
}

func TestArrays(t *testing.T) {
	arrays := map[string]*tensor.Tensor{
		"m":     tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3),
		"nan":   tensor.FromSlice([]float64{1, math.NaN()}, 2),
		"inf":   tensor.FromSlice([]float64{math.Inf(-1), 1}, 2),
		"i":     tensor.FromSlice([]int64{0, 2, 1}, 3),
		"empty": tensor.FromSlice([]float64{}, 0, 3),
		"nil":   nil,
	}
	for _, c := range []struct {
		name string
		err  error
		want string // "" for no error
	}{
		{"any shape", err1(state.Array("op", arrays, "m", tensor.Float64, -1, 3)), ""},
		{"exact shape", err1(state.Array("op", arrays, "m", tensor.Float64, 3, 3)), `op: array "m" has shape [2 3], want [3 3]`},
		{"wildcard shape", err1(state.Array("op", arrays, "m", tensor.Float64, -1)), `op: array "m" has shape [2 3], want [-1] (-1: any)`},
		{"dtype", err1(state.Array("op", arrays, "m", tensor.Int64, 2, 3)), `op: array "m" has dtype float64, want int64`},
		{"missing", err1(state.Array("op", arrays, "x", tensor.Float64)), `op: missing array "x"`},
		{"nil", err1(state.Array("op", arrays, "nil", tensor.Float64)), `op: missing array "nil"`},
		{"empty any", err1(state.Array("op", arrays, "empty", tensor.Float64, -1, 3)), ""},
		{"empty non-empty", err1(state.NonEmptyArray("op", arrays, "empty", tensor.Float64, -1, 3)), `op: array "empty" has shape [0 3], want [-1 3] (-1: any size ≥ 1)`},
		{"finite", err2(state.Floats("op", arrays, "nan", 2)), `op: array "nan" holds NaN at 1`},
		{"allow nan", err2(state.FloatsAllowing("op", arrays, "nan", state.AllowNaN, 2)), ""},
		{"inf not nan", err2(state.FloatsAllowing("op", arrays, "inf", state.AllowNaN, 2)), `op: array "inf" holds -Inf at 0`},
		{"allow inf", err2(state.FloatsAllowing("op", arrays, "inf", state.AllowInf, 2)), ""},
		{"indices", err1(state.Indices("op", arrays, "i", 3, 0, 3)), ""},
		{"index range", err1(state.Indices("op", arrays, "i", -1, 0, 2)), `op: array "i" holds 2 at 1, want a value in [0, 2)`},
		{"setting", err1(state.Setting("op", arrays, "i", 3)), ""},
		{"setting absent", err1(state.Setting("op", arrays, "absent", 3)), ""},
		{"setting nan", err1(state.Setting("op", arrays, "nan")), `op: array "nan" holds NaN at 1`},
	} {
		switch {
		case c.want == "" && c.err != nil:
			t.Errorf("%s: %v", c.name, c.err)
		case c.want != "" && (c.err == nil || c.err.Error() != c.want):
			t.Errorf("%s: got %v, want %s", c.name, c.err, c.want)
		}
	}
}

func TestMessages(t *testing.T) {
	if err := state.SettingsError("kmeans: unmarshal state", errString("kmeans: NClusters must be ≥ 1")); err.Error() != "kmeans: unmarshal state: NClusters must be ≥ 1" {
		t.Error(err)
	}
	if err := state.NeedFeatures("op", 0); err == nil || !strings.Contains(err.Error(), "n_features_in must be ≥ 1, got 0") {
		t.Error(err)
	}
	if err := state.NotFitted("op"); err.Error() != "op: not fitted: call Fit first" {
		t.Error(err)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func err1[T any](_ T, err error) error         { return err }
func err2[T, U any](_ T, _ U, err error) error { return err }
