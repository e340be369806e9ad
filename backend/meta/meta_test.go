package meta_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ember-ml/ember/backend"
	"github.com/ember-ml/ember/backend/cpu"
	"github.com/ember-ml/ember/backend/meta"
)

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), want) {
			t.Fatalf("panic %v, want one containing %q", r, want)
		}
	}()
	f()
}

func TestMetaChecksWithoutComputing(t *testing.T) {
	var b meta.Backend
	if got, err := backend.Get(backend.Meta); err != nil || got != backend.Backend(b) || !backend.IsAbstract(b) {
		t.Fatalf("registry: %v %v", got, err)
	}
	x := b.FromHost([]float32{1, 2, 3, 4, 5, 6})
	if x.DType() != backend.Float32 || x.Len() != 6 || b.Host(x) != nil {
		t.Fatalf("from host: %v %d", x.DType(), x.Len())
	}
	l := backend.ContiguousLayout([]int{2, 3})
	b.Unary(backend.Exp, backend.UnaryParams{}, b.Alloc(backend.Float32, 6), x, l)
	b.MatMul(b.Alloc(backend.Float32, 4), x, backend.ContiguousLayout([]int{1, 2, 3}), x, backend.Layout{Shape: []int{1, 3, 2}, Strides: []int{6, 1, 3}})
	mustPanic(t, "no data", func() { b.ToHost(x) })
	mustPanic(t, "another device", func() {
		b.Unary(backend.Exp, backend.UnaryParams{}, b.Alloc(backend.Float32, 6), cpu.Backend{}.Alloc(backend.Float32, 6), l)
	})
	mustPanic(t, "reaches outside", func() { b.Fill(x, backend.ContiguousLayout([]int{7}), 0) })
	mustPanic(t, "output has 5 elements", func() { b.Unary(backend.Exp, backend.UnaryParams{}, b.Alloc(backend.Float32, 5), x, l) })
	mustPanic(t, "output dtype", func() { b.Binary(backend.Lt, b.Alloc(backend.Float32, 6), x, l, x, l) })
	mustPanic(t, "do not multiply", func() {
		b.MatMul(b.Alloc(backend.Float32, 4), x, backend.ContiguousLayout([]int{1, 2, 3}), x, backend.ContiguousLayout([]int{1, 2, 3}))
	})
}
