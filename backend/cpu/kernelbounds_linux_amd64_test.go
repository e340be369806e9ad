//go:build !noasm

package cpu

import (
	"os"
	"runtime/debug"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// guarded returns n zeroed values that end right before an inaccessible page, so a kernel that
// touches anything past the slice faults.
func guarded[T float32 | float64 | int64](t *testing.T, n int) []T {
	t.Helper()
	size, page := int(unsafe.Sizeof(T(0))), os.Getpagesize()
	data := roundUp(max(n*size, 1), page)
	mem, err := syscall.Mmap(-1, 0, data+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[data:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&mem[data-n*size])), n)
}

// TestKernelsStayInBounds runs every assembly kernel this CPU has on slices of exactly the
// lengths its check demands, each ending at an inaccessible page: a kernel that reaches past
// what its check covers faults (a panic here, through SetPanicOnFault).
func TestKernelsStayInBounds(t *testing.T) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	run := func(name string, ok bool, fn func()) {
		t.Helper()
		if !ok {
			t.Logf("%s: not on this CPU", name)
			return
		}
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("%s: %v", name, r)
			}
		}()
		fn()
	}
	avx2 := cpu.X86.HasAVX2 && cpu.X86.HasFMA
	avx512 := cpu.X86.HasAVX512F
	avx512VL := avx512 && cpu.X86.HasAVX512VL
	const kc, ldc = 5, 37
	for _, k := range []struct {
		name   string
		ok     bool
		mr, nr int
		f32    func(int, []float32, []float32, []float32, int, bool)
		f64    func(int, []float64, []float64, []float64, int, bool)
	}{
		{"sgemm avx512", avx512, 12, 32, sgemmAVX512, nil},
		{"sgemm avx2", avx2, 6, 16, sgemmAVX2, nil},
		{"dgemm avx512", avx512, 12, 16, nil, dgemmAVX512},
		{"dgemm avx2", avx2, 6, 8, nil, dgemmAVX2},
	} {
		na, nb, nc := kc*k.mr, kc*k.nr, (k.mr-1)*ldc+k.nr
		for _, overwrite := range []bool{false, true} {
			run(k.name, k.ok, func() {
				if k.f32 != nil {
					k.f32(kc, guarded[float32](t, na), guarded[float32](t, nb), guarded[float32](t, nc), ldc, overwrite)
				} else {
					k.f64(kc, guarded[float64](t, na), guarded[float64](t, nb), guarded[float64](t, nc), ldc, overwrite)
				}
			})
		}
	}
	run("copy2D", true, func() {
		strided2DAsm(guarded[float32](t, 12), 0, guarded[float32](t, 12), 0, 3, 4, 4, 1, 1, 3)
	})
	for _, n := range []int{5, 16, 21} {
		for _, m := range []int{3, 8, 11} {
			run("small matmul avx512", avx512 && !forceAVX2, func() {
				smallAVX512(m, n, 4, guarded[float32](t, 1+(m-1)*4+3+1), 1, 4, 1, guarded[float32](t, 4*n),
					guarded[float32](t, m*n), guarded[float32](t, n), true)
			})
		}
	}
	for _, n := range []int{1, 16, 21} {
		run("masked row sum avx512", avx512VL, func() {
			gradRowAVX512(guarded[float32](t, n), guarded[float32](t, n), guarded[float32](t, n), true)
		})
	}
	for _, g := range []poolPlane{poolCheckPlane, {n: 3, h: 6, w: 41, oh: 3, ow: 20}, {n: 1, h: 2, w: 32, oh: 1, ow: 16}} {
		in := (g.n-1)*g.h*g.w + (2*g.oh-1)*g.w + 2*g.ow
		out := g.n * g.oh * g.ow
		run("max pool 2x2 avx512", avx512VL && cpu.X86.HasAVX512DQ, func() {
			pool2x2ForwardAVX512(guarded[float32](t, out), guarded[int64](t, out), guarded[float32](t, in), g)
			pool2x2BackwardAVX512(guarded[float32](t, in), guarded[float32](t, out), guarded[int64](t, out), g)
		})
		run("max pool 2x2 avx2", cpu.X86.HasAVX2, func() {
			pool2x2ForwardAVX2(guarded[float32](t, out), guarded[int64](t, out), guarded[float32](t, in), g)
		})
	}
	saved := convK
	defer func() { convK = saved }()
	for _, ck := range convKernelSets() {
		convK = ck
		c := convCheck
		koff := windowOffsets(nil, c.cp, c.hp, c.wp, c.kh, c.kw)
		nx, nw, nd := c.needs(ck)
		run("conv tile", true, func() {
			c.runOn(guarded[float32](t, nx), guarded[float32](t, nw), guarded[float32](t, nd), koff)
		})
		w := wgCheck
		ng, nx := w.needs(ck)
		run("conv weight-gradient tile", true, func() {
			w.runOn(guarded[float32](t, ng), guarded[float32](t, nx), windowOffsets(nil, 3, 7, 7, 3, 3))
		})
	}
}
