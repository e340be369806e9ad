package cpu

import (
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"unsafe"
)

// expectPanic runs fn and fails unless it panics with exactly the message want.
func expectPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want %q", want)
		}
		if msg, _ := r.(string); msg != want {
			t.Fatalf("panic %v, want %q", r, want)
		}
	}()
	fn()
}

func TestSaturatingArithmetic(t *testing.T) {
	for _, c := range []struct{ a, b, mul, add int }{
		{0, 0, 0, 0},
		{3, 4, 12, 7},
		{math.MaxInt, 1, math.MaxInt, math.MaxInt},
		{math.MaxInt / 2, 3, math.MaxInt, math.MaxInt/2 + 3},
		{1 << 32, 1 << 32, math.MaxInt, 1 << 33},
		{math.MaxInt, math.MaxInt, math.MaxInt, math.MaxInt},
	} {
		if got := satMul(c.a, c.b); got != c.mul {
			t.Errorf("satMul(%d, %d) = %d, want %d", c.a, c.b, got, c.mul)
		}
		if got := satAdd(c.a, c.b); got != c.add {
			t.Errorf("satAdd(%d, %d) = %d, want %d", c.a, c.b, got, c.add)
		}
	}
}

// TestCheckStrided checks the corner rule for strides of both signs, and that huge strides
// fail instead of wrapping around.
func TestCheckStrided(t *testing.T) {
	// Fits exactly: 2 + 2·5 + 3·1 = 15 is the last element of 16.
	checkStrided("k", "x", 16, 2, 3, 5, 4, 1)
	// Negative row stride: rows reach back to 12 − 2·6 = 0.
	checkStrided("k", "x", 16, 12, 3, -6, 4, 1)
	expectPanic(t, "cpu: k kernel: x has 15 elements, needs 16", func() { checkStrided("k", "x", 15, 2, 3, 5, 4, 1) })
	expectPanic(t, "cpu: k kernel: x is read from index 11 on, reaches back 12 elements before it", func() {
		checkStrided("k", "x", 16, 11, 3, -6, 4, 1)
	})
	expectPanic(t, "cpu: k kernel: x offset = -1, must not be negative", func() { checkStrided("k", "x", 16, -1, 1, 0, 1, 0) })
	expectPanic(t, "cpu: k kernel: x has 16 elements, needs 9223372036854775807", func() {
		checkStrided("k", "x", 16, 0, 1<<40, 1<<40, 2, 1)
	})
	expectPanic(t, "cpu: k kernel: x has 16 elements, needs 9223372036854775807", func() {
		checkStrided("k", "x", 16, 0, 2, math.MaxInt, 2, math.MaxInt)
	})
	expectPanic(t, "cpu: k kernel: x is read from index 1 on, reaches back 9223372036854775807 elements before it", func() {
		checkStrided("k", "x", 16, 1, 2, math.MinInt, 1, 0)
	})
}

// TestCheckGemmTile checks the micro-kernel rule: kc·mr values of a, kc·nr of b, and
// (mr−1)·ldc + nr of c; a[0] and b[0] must exist even when kc is 0.
func TestCheckGemmTile(t *testing.T) {
	checkGemmTile("g", 4, 8, 3, 12, 24, 3*10+8, 10)
	checkGemmTile("g", 4, 8, 0, 1, 1, 3*10+8, 10)
	expectPanic(t, "cpu: g kernel: a has 11 elements, needs 12", func() { checkGemmTile("g", 4, 8, 3, 11, 24, 38, 10) })
	expectPanic(t, "cpu: g kernel: b has 23 elements, needs 24", func() { checkGemmTile("g", 4, 8, 3, 12, 23, 38, 10) })
	expectPanic(t, "cpu: g kernel: c has 37 elements, needs 38", func() { checkGemmTile("g", 4, 8, 3, 12, 24, 37, 10) })
	expectPanic(t, "cpu: g kernel: a has 0 elements, needs 1", func() { checkGemmTile("g", 4, 8, 0, 0, 1, 38, 10) })
	expectPanic(t, "cpu: g kernel: kc = -1, must not be negative", func() { checkGemmTile("g", 4, 8, -1, 12, 24, 38, 10) })
	expectPanic(t, "cpu: g kernel: ldc = -10, must not be negative", func() { checkGemmTile("g", 4, 8, 3, 12, 24, 38, -10) })
	expectPanic(t, "cpu: g kernel: a has 12 elements, needs 9223372036854775807", func() {
		checkGemmTile("g", 4, 8, math.MaxInt/2, 12, 24, 38, 10)
	})
}

// asmDefines returns the numeric #define constants of an assembly file.
func asmDefines(t *testing.T, file string) map[string]uintptr {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defs := map[string]uintptr{}
	for _, m := range regexp.MustCompile(`(?m)^#define\s+(\w+)\s+(\d+)\s*$`).FindAllSubmatch(src, -1) {
		v, err := strconv.ParseUint(string(m[2]), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		defs[string(m[1])] = uintptr(v)
	}
	return defs
}

// TestConvArgOffsets pins the layout of the convolution kernels' argument blocks: every field's
// offset and each block's size must equal the #define the assembly reads it through, every
// field must have one, and the element types and lengths the assembly steps through (8-byte
// ints, 4-byte floats, 4 slots, 6 biases, 24 sums) must hold. Reordering, adding or retyping a
// field fails here until conv_amd64.s follows.
func TestConvArgOffsets(t *testing.T) {
	var ta convTileArgs
	var da dwTileArgs
	pins := map[string]uintptr{
		"convTileArgs_x":       unsafe.Offsetof(ta.x),
		"convTileArgs_w":       unsafe.Offsetof(ta.w),
		"convTileArgs_koff":    unsafe.Offsetof(ta.koff),
		"convTileArgs_k":       unsafe.Offsetof(ta.k),
		"convTileArgs_dst":     unsafe.Offsetof(ta.dst),
		"convTileArgs_ostride": unsafe.Offsetof(ta.ostride),
		"convTileArgs_nout":    unsafe.Offsetof(ta.nout),
		"convTileArgs_relu":    unsafe.Offsetof(ta.relu),
		"convTileArgs_xoff":    unsafe.Offsetof(ta.xoff),
		"convTileArgs_doff":    unsafe.Offsetof(ta.doff),
		"convTileArgs_mask":    unsafe.Offsetof(ta.mask),
		"convTileArgs_bias":    unsafe.Offsetof(ta.bias),
		"convTileArgs__size":   unsafe.Sizeof(ta),
		"dwTileArgs_g":         unsafe.Offsetof(da.g),
		"dwTileArgs_x":         unsafe.Offsetof(da.x),
		"dwTileArgs_gslot":     unsafe.Offsetof(da.gslot),
		"dwTileArgs_xslot":     unsafe.Offsetof(da.xslot),
		"dwTileArgs_masks":     unsafe.Offsetof(da.masks),
		"dwTileArgs_slots":     unsafe.Offsetof(da.slots),
		"dwTileArgs_ostride":   unsafe.Offsetof(da.ostride),
		"dwTileArgs_koff":      unsafe.Offsetof(da.koff),
		"dwTileArgs_out":       unsafe.Offsetof(da.out),
		"dwTileArgs__size":     unsafe.Sizeof(da),
	}
	defs := asmDefines(t, "conv_amd64.s")
	for name, off := range pins {
		if def, ok := defs[name]; !ok {
			t.Errorf("conv_amd64.s does not define %s (Go: %d)", name, off)
		} else if def != off {
			t.Errorf("%s: conv_amd64.s says %d, Go layout is %d", name, def, off)
		}
	}
	for name := range defs {
		if _, ok := pins[name]; !ok {
			t.Errorf("conv_amd64.s defines %s, which no test pins", name)
		}
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[convTileArgs](), reflect.TypeFor[dwTileArgs]()} {
		for i := range typ.NumField() {
			if name := typ.Name() + "_" + typ.Field(i).Name; pins[name] != typ.Field(i).Offset {
				t.Errorf("field %s.%s at %d has no matching pin %s", typ.Name(), typ.Field(i).Name, typ.Field(i).Offset, name)
			}
		}
	}
	shapes := []struct {
		what       string
		elem, want uintptr
		n, wantN   int
	}{
		{"convTileArgs.xoff", unsafe.Sizeof(ta.xoff[0]), 8, len(ta.xoff), 4},
		{"convTileArgs.doff", unsafe.Sizeof(ta.doff[0]), 8, len(ta.doff), 4},
		{"convTileArgs.mask", unsafe.Sizeof(ta.mask[0]), 8, len(ta.mask), 4},
		{"convTileArgs.bias", unsafe.Sizeof(ta.bias[0]), 4, len(ta.bias), 6},
		{"dwTileArgs.koff", unsafe.Sizeof(da.koff[0]), 8, len(da.koff), 4},
		{"dwTileArgs.out", unsafe.Sizeof(da.out[0]), 4, len(da.out), 24},
	}
	for _, s := range shapes {
		if s.elem != s.want || s.n != s.wantN {
			t.Errorf("%s: %d elements of %d bytes, the assembly steps through %d of %d", s.what, s.n, s.elem, s.wantN, s.want)
		}
	}
	for _, f := range []struct {
		what string
		size uintptr
	}{{"convTileArgs.k", unsafe.Sizeof(ta.k)}, {"convTileArgs.ostride", unsafe.Sizeof(ta.ostride)},
		{"convTileArgs.nout", unsafe.Sizeof(ta.nout)}, {"convTileArgs.relu", unsafe.Sizeof(ta.relu)},
		{"dwTileArgs.slots", unsafe.Sizeof(da.slots)}, {"dwTileArgs.ostride", unsafe.Sizeof(da.ostride)}} {
		if f.size != 8 {
			t.Errorf("%s is %d bytes, the assembly reads 8", f.what, f.size)
		}
	}
}

// TestChecksDoNotAllocate: the checks run on every kernel call, so passing ones must not
// allocate.
func TestChecksDoNotAllocate(t *testing.T) {
	ck := &convKernels{lanes: 16, slots: 4, tileO: 6, dwO: 6}
	koff := windowOffsets(nil, 3, 6, 7, 3, 3)
	allocs := testing.AllocsPerRun(100, func() {
		checkLen("k", "x", 4, 4)
		checkNonNeg("k", "n", 0)
		checkStrided("k", "x", 16, 12, 3, -6, 4, 1)
		checkGemmTile("g", 4, 8, 3, 12, 24, 38, 10)
		ck.checkForward(268, 2, 3, 6, 7, 4, 5, 162, koff, 5, 203, 3)
		ck.checkWeightGrad(604, 2, 6, 7, 7, 1, 1, 5, 5, 310, 147, 7, koff, 4)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run", allocs)
	}
}
