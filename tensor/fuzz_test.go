package tensor_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ember-ml/ember/tensor"
)

// shapeFrom turns fuzz bytes into a shape of up to 4 dims of sizes 0…3.
func shapeFrom(b []byte) []int {
	n := 0
	if len(b) > 0 {
		n = int(b[0] % 5)
		b = b[1:]
	}
	shape := make([]int, n)
	for i := range shape {
		if i < len(b) {
			shape[i] = int(b[i] % 4)
		} else {
			shape[i] = 1
		}
	}
	return shape
}

// referenceBroadcast is NumPy's rule written out: align right, sizes equal or one of them 1.
func referenceBroadcast(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 1; i <= n; i++ {
		da, db := 1, 1
		if i <= len(a) {
			da = a[len(a)-i]
		}
		if i <= len(b) {
			db = b[len(b)-i]
		}
		switch {
		case da == db:
			out[n-i] = da
		case da == 1:
			out[n-i] = db
		case db == 1:
			out[n-i] = da
		default:
			return nil, false
		}
	}
	return out, true
}

// elementAt reads x at the broadcast index idx (right-aligned, size-1 dims pinned to 0).
func elementAt(x []float64, shape []int, idx []int) float64 {
	off, stride := 0, 1
	for i := len(shape) - 1; i >= 0; i-- {
		j := idx[len(idx)-len(shape)+i]
		if shape[i] == 1 {
			j = 0
		}
		off += j * stride
		stride *= shape[i]
	}
	return x[off]
}

func FuzzBroadcast(f *testing.F) {
	f.Add([]byte{2, 3, 1}, []byte{1, 1})
	f.Add([]byte{3, 2, 1, 3}, []byte{2, 3, 1})
	f.Add([]byte{2, 2, 3}, []byte{1, 2})
	f.Add([]byte{0}, []byte{4, 1, 2, 3, 0})
	f.Fuzz(func(t *testing.T, ab, bb []byte) {
		sa, sb := shapeFrom(ab), shapeFrom(bb)
		want, ok := referenceBroadcast(sa, sb)
		got, err := tensor.BroadcastShapes(sa, sb)
		if ok != (err == nil) {
			t.Fatalf("%v with %v: reference ok=%v, BroadcastShapes err=%v", sa, sb, ok, err)
		}
		if !ok {
			defer func() {
				if recover() == nil {
					t.Fatalf("add of %v and %v did not panic", sa, sb)
				}
			}()
			tensor.Zeros(sa...).Add(tensor.Zeros(sb...))
			return
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%v with %v: got %v, want %v", sa, sb, got, want)
		}
		a := tensor.ArangeOf(tensor.Float64, 0, float64(prod(sa)), 1).Reshape(sa...)
		b := tensor.ArangeOf(tensor.Float64, 0, float64(prod(sb)), 1).MulScalar(1000).Reshape(sb...)
		sum := a.Add(b)
		if !slices.Equal(sum.Shape(), want) {
			t.Fatalf("add shape %v, want %v", sum.Shape(), want)
		}
		av, bv, sv := a.Float64s(), b.Float64s(), sum.Float64s()
		idx := make([]int, len(want))
		for k := range sv {
			rem := k
			for i := len(want) - 1; i >= 0; i-- {
				idx[i] = rem % want[i]
				rem /= want[i]
			}
			if e := elementAt(av, sa, idx) + elementAt(bv, sb, idx); sv[k] != e {
				t.Fatalf("%v + %v at %v: got %v, want %v", sa, sb, idx, sv[k], e)
			}
		}
	})
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}

func FuzzViewRoundTrip(f *testing.F) {
	f.Add([]byte{3, 2, 3, 1}, uint8(5), uint8(1))
	f.Add([]byte{4, 2, 2, 3, 1}, uint8(17), uint8(2))
	f.Add([]byte{1, 3}, uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, sb []byte, permSeed, sliceDim uint8) {
		shape := shapeFrom(sb)
		n := prod(shape)
		x := tensor.ArangeOf(tensor.Float64, 0, float64(n), 1).Reshape(shape...)
		orig := x.Float64s()
		// Permute, then permute back.
		perm := make([]int, len(shape))
		for i := range perm {
			perm[i] = i
		}
		for i := len(perm) - 1; i > 0; i-- {
			j := int(permSeed) % (i + 1)
			perm[i], perm[j] = perm[j], perm[i]
		}
		inv := make([]int, len(perm))
		for i, p := range perm {
			inv[p] = i
		}
		back := x.Permute(perm...).Permute(inv...)
		if !slices.Equal(back.Shape(), shape) || !slices.Equal(back.Float64s(), orig) {
			t.Fatalf("permute %v round trip of %v changed the tensor", perm, shape)
		}
		// Reshape through a chain of shapes (flat, permuted view made contiguous, original).
		chain := x.Permute(perm...).Reshape(-1).Reshape(permuted(shape, perm)...).Permute(inv...)
		if !slices.Equal(chain.Float64s(), orig) {
			t.Fatalf("reshape chain of %v with perm %v changed values", shape, perm)
		}
		if n > 0 {
			flat := x.Reshape(n).Reshape(1, n).Squeeze(0).Unsqueeze(0).Flatten(0, -1)
			if !slices.Equal(flat.Float64s(), orig) {
				t.Fatal("flatten chain changed values")
			}
		}
		// A strided slice matches picking every other element by hand.
		if len(shape) > 0 {
			d := int(sliceDim) % len(shape)
			s := x.Slice(d, 0, shape[d], 2)
			want := fmt.Sprint(x.Transpose(0, d).Contiguous().Slice(0, 0, shape[d], 2).Transpose(0, d).Float64s())
			if got := fmt.Sprint(s.Float64s()); got != want {
				t.Fatalf("slice of dim %d of %v: %s, want %s", d, shape, got, want)
			}
		}
	})
}

func permuted(shape, perm []int) []int {
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = shape[p]
	}
	return out
}
