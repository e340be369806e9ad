// Package state holds the checks shared by the estimators' MarshalState and UnmarshalState:
// strict JSON params, arrays fetched by name with their dtype, shape and values checked, and
// the common error messages. Every function takes the caller's op prefix ("kmeans: unmarshal
// state") and starts its error messages with it. The arrays come from a file and are not
// trusted: a missing, nil, mistyped or misshapen array is an error, never a panic.
package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ember-ml/ember/tensor"
)

// MarshalParams encodes the JSON params of a state.
func MarshalParams(op string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return b, nil
}

// UnmarshalParams decodes JSON params into v, rejecting unknown fields and trailing data.
func UnmarshalParams(op string, params []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: bad params: %w", op, err)
	}
	if dec.More() {
		return fmt.Errorf("%s: bad params: trailing data after the JSON object", op)
	}
	return nil
}

// Array returns arrays[name] after checking its dtype and shape; -1 in shape matches any
// size.
func Array(op string, arrays map[string]*tensor.Tensor, name string, dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
	return array(op, arrays, name, dt, 0, shape)
}

// NonEmptyArray is Array where -1 in shape matches any size ≥ 1.
func NonEmptyArray(op string, arrays map[string]*tensor.Tensor, name string, dt tensor.DType, shape ...int) (*tensor.Tensor, error) {
	return array(op, arrays, name, dt, 1, shape)
}

// array checks arrays[name]; -1 in shape matches any size ≥ min.
func array(op string, arrays map[string]*tensor.Tensor, name string, dt tensor.DType, min int, shape []int) (*tensor.Tensor, error) {
	t, ok := arrays[name]
	if !ok || t == nil {
		return nil, fmt.Errorf("%s: missing array %q", op, name)
	}
	if t.DType() != dt {
		return nil, fmt.Errorf("%s: array %q has dtype %v, want %v", op, name, t.DType(), dt)
	}
	got := t.Shape()
	ok = len(got) == len(shape)
	for i := 0; ok && i < len(shape); i++ {
		ok = shape[i] < 0 && got[i] >= min || got[i] == shape[i]
	}
	if !ok {
		switch {
		case !slices.Contains(shape, -1):
			return nil, fmt.Errorf("%s: array %q has shape %v, want %v", op, name, got, shape)
		case min > 0:
			return nil, fmt.Errorf("%s: array %q has shape %v, want %v (-1: any size ≥ %d)", op, name, got, shape, min)
		}
		return nil, fmt.Errorf("%s: array %q has shape %v, want %v (-1: any)", op, name, got, shape)
	}
	return t, nil
}

// NonFinite says which non-finite values a float array may hold.
type NonFinite uint8

const (
	Finite   NonFinite = 0      // neither NaN nor infinities
	AllowNaN NonFinite = 1 << 0 // NaN (missing values) allowed
	AllowInf NonFinite = 1 << 1 // ±Inf allowed (e.g. split thresholds)
)

// Floats returns the finite float64 values of arrays[name] and its shape (-1: any size).
func Floats(op string, arrays map[string]*tensor.Tensor, name string, shape ...int) ([]float64, []int, error) {
	return FloatsAllowing(op, arrays, name, Finite, shape...)
}

// FloatsAllowing is Floats where the values may also be the non-finite ones in allow.
func FloatsAllowing(op string, arrays map[string]*tensor.Tensor, name string, allow NonFinite, shape ...int) ([]float64, []int, error) {
	t, err := Array(op, arrays, name, tensor.Float64, shape...)
	if err != nil {
		return nil, nil, err
	}
	v := t.Float64s()
	for i, x := range v {
		if math.IsNaN(x) && allow&AllowNaN == 0 || math.IsInf(x, 0) && allow&AllowInf == 0 {
			return nil, nil, fmt.Errorf("%s: array %q holds %g at %d", op, name, x, i)
		}
	}
	return v, t.Shape(), nil
}

// Ints returns the values of the int64 array arrays[name] (-1 in shape: any size).
func Ints(op string, arrays map[string]*tensor.Tensor, name string, shape ...int) ([]int64, error) {
	t, err := Array(op, arrays, name, tensor.Int64, shape...)
	if err != nil {
		return nil, err
	}
	return t.Int64s(), nil
}

// Indices returns the int64 vector arrays[name] of length n (-1: any), every value in
// [lo, hi): indices that the estimator will later follow.
func Indices(op string, arrays map[string]*tensor.Tensor, name string, n, lo, hi int) ([]int64, error) {
	v, err := Ints(op, arrays, name, n)
	if err != nil {
		return nil, err
	}
	for i, l := range v {
		if l < int64(lo) || l >= int64(hi) {
			return nil, fmt.Errorf("%s: array %q holds %d at %d, want a value in [%d, %d)", op, name, l, i, lo, hi)
		}
	}
	return v, nil
}

// Setting returns a copy of an optional setting tensor (initial centers, seeds…) after
// checking that it is numeric, finite and of the given shape (-1: any size; no shape: any
// shape). A missing one is nil.
func Setting(op string, arrays map[string]*tensor.Tensor, name string, shape ...int) (*tensor.Tensor, error) {
	t, ok := arrays[name]
	if !ok {
		return nil, nil
	}
	if t == nil || t.DType() == tensor.Bool {
		return nil, fmt.Errorf("%s: array %q must be numeric", op, name)
	}
	if len(shape) == 0 {
		shape = t.Shape()
	}
	if _, _, err := Floats(op, map[string]*tensor.Tensor{name: t.To(tensor.Float64)}, name, shape...); err != nil {
		return nil, err
	}
	return t.Clone(), nil
}

// PutSetting adds a copy of an optional setting tensor to arrays; a nil one is left out.
func PutSetting(arrays map[string]*tensor.Tensor, name string, t *tensor.Tensor) {
	if t != nil {
		arrays[name] = t.Clone()
	}
}

// SettingsError reports restored settings that Fit would refuse, dropping the estimator's
// prefix ("kmeans: ") that err repeats after op.
func SettingsError(op string, err error) error {
	name, _, _ := strings.Cut(op, ":")
	return fmt.Errorf("%s: %s", op, strings.TrimPrefix(err.Error(), name+": "))
}

// NotFitted is the error of MarshalState on an estimator that was not fitted.
func NotFitted(op string) error { return fmt.Errorf("%s: not fitted: call Fit first", op) }

// NeedFeatures checks a restored number of input features (n_features_in ≥ 1).
func NeedFeatures(op string, d int) error {
	if d < 1 {
		return fmt.Errorf("%s: n_features_in must be ≥ 1, got %d", op, d)
	}
	return nil
}
