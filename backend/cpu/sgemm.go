package cpu

import (
	"os"
	"runtime"
	"sync/atomic"
)

// The fast float32 matrix product: C = A·B with A and B read through arbitrary strides
// (so transposed operands cost nothing), packed into cache-sized panels and multiplied by a
// register-blocked micro-kernel — AVX-512 or AVX2+FMA assembly on amd64, chosen at run time
// from the CPU's features, and a pure-Go kernel elsewhere. Large products run on several
// goroutines. The reference loop in matmul.go is its specification; tests compare the two.

// gemmArch is a micro-kernel computing C[mr×nr] += Apanel·Bpanel over kc, or
// C = Apanel·Bpanel when overwrite is set.
type gemmArch[T float32 | float64] struct {
	name   string
	mr, nr int
	kernel func(kc int, a, b, c []T, ldc int, overwrite bool)
}

// kernelArch is the float32 micro-kernel.
type kernelArch = gemmArch[float32]

// forceAVX2 selects the AVX2 kernel even on AVX-512 machines (set EMBER_GEMM=avx2, for tests
// and benchmarks of both kernels).
var forceAVX2 = os.Getenv("EMBER_GEMM") == "avx2"

var (
	sgemmArch = kernelArch{name: "go", mr: 4, nr: 8, kernel: gemmKernelGo[float32]}
	dgemmArch = gemmArch[float64]{name: "go", mr: 4, nr: 8, kernel: gemmKernelGo[float64]}
)

// KernelName reports which float32 GEMM micro-kernel runs: "avx512", "avx2" or "go".
func KernelName() string { return sgemmArch.name }

// gemmKernelGo is the portable micro-kernel: C[4×8] += A·B (C = A·B when overwrite).
func gemmKernelGo[T float32 | float64](kc int, a, b, c []T, ldc int, overwrite bool) {
	var acc [4][8]T
	for p := range kc {
		ap := a[p*4 : p*4+4]
		bp := b[p*8 : p*8+8]
		for i := range 4 {
			ai := ap[i]
			row := &acc[i]
			for j := range 8 {
				row[j] += ai * bp[j]
			}
		}
	}
	for i := range 4 {
		row := c[i*ldc : i*ldc+8]
		for j := range 8 {
			if overwrite {
				row[j] = acc[i][j]
			} else {
				row[j] += acc[i][j]
			}
		}
	}
}

// threads is the number of goroutines large kernels may use (0: GOMAXPROCS).
var threads atomic.Int32

// SetThreads sets how many goroutines the CPU kernels use; n ≤ 0 means GOMAXPROCS.
func SetThreads(n int) { threads.Store(int32(max(n, 0))) }

// Threads returns the number of goroutines the CPU kernels use.
func Threads() int {
	if n := int(threads.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// Block sizes: a kc×nr panel of B stays in L1, an mc×kc block of A in L2, a kc×nc block of B
// in L3.
const (
	gemmKC = 256
	gemmMC = 144
	gemmNC = 3072
)

// strided2D copies a rows×cols block between strided layouts:
// dst[doff + r·drs + c·dcs] = src[soff + r·srs + c·scs]. Assembly replaces it on amd64.
var strided2D = func(dst []float32, doff int, src []float32, soff, rows, cols, srs, scs, drs, dcs int) {
	for r := range rows {
		for c := range cols {
			dst[doff+r*drs+c*dcs] = src[soff+r*srs+c*scs]
		}
	}
}

// mat is a strided matrix: element (i, j) is data[off + i*rs + j*cs].
type mat[T float32 | float64] struct {
	data   []T
	off    int
	rs, cs int
}

// matView is a strided float32 matrix.
type matView = mat[float32]

// packPanels copies a rows×depth block of v (rows stride v.rs, depth stride v.cs, already
// offset) into panels of width rows: for each depth index, width consecutive values; rows past
// the end are zero. A is packed as is; B is packed through its transpose.
func packPanels[T float32 | float64](dst []T, v mat[T], rows, depth, width int) {
	pos := 0
	d32, is32 := any(dst).([]float32)
	for r0 := 0; r0 < rows; r0 += width {
		n := min(width, rows-r0)
		if v.cs == 1 && v.rs != 1 && is32 {
			// Each row is contiguous: read it whole, write it down the panel.
			panel := d32[pos : pos+depth*width]
			strided2D(panel, 0, any(v.data).([]float32), v.off+r0*v.rs, n, depth, v.rs, 1, 1, width)
			for i := n; i < width; i++ {
				for p := range depth {
					panel[p*width+i] = 0
				}
			}
			pos += depth * width
			continue
		}
		for p := range depth {
			base := v.off + r0*v.rs + p*v.cs
			if v.rs == 1 {
				copy(dst[pos:pos+n], v.data[base:base+n])
			} else {
				for i := range n {
					dst[pos+i] = v.data[base+i*v.rs]
				}
			}
			for i := n; i < width; i++ {
				dst[pos+i] = 0
			}
			pos += width
		}
	}
}

// packA packs rows [0, mb) and columns [0, kb) of a into panels of mr rows.
func packA[T float32 | float64](dst []T, a mat[T], mb, kb, mr int) { packPanels(dst, a, mb, kb, mr) }

// packB packs rows [0, kb) and columns [0, nb) of b into panels of nr columns.
func packB[T float32 | float64](dst []T, b mat[T], kb, nb, nr int) {
	packPanels(dst, mat[T]{data: b.data, off: b.off, rs: b.cs, cs: b.rs}, nb, kb, nr)
}

// sgemm computes C = A·B (or C += A·B when accumulate) for an m×k A and a k×n B; C is
// row-major at c[coff:] with row stride ldc.
func sgemm(m, n, k int, a, b matView, c []float32, coff, ldc int, accumulate bool) {
	sgemmThreads(Threads(), m, n, k, a, b, c, coff, ldc, accumulate)
}

// sgemmThreads is sgemm on at most nthreads goroutines.
func sgemmThreads(nthreads, m, n, k int, a, b matView, c []float32, coff, ldc int, accumulate bool) {
	gemmThreads(&sgemmArch, nthreads, m, n, k, a, b, c, coff, ldc, accumulate)
}

// dgemm is sgemm for float64, with the float64 micro-kernel.
func dgemm(m, n, k int, a, b mat[float64], c []float64, coff, ldc int, accumulate bool) {
	gemmThreads(&dgemmArch, Threads(), m, n, k, a, b, c, coff, ldc, accumulate)
}

// gemmThreads is the blocked product with arch's micro-kernel on at most nthreads goroutines.
func gemmThreads[T float32 | float64](arch *gemmArch[T], nthreads, m, n, k int, a, b mat[T], c []T, coff, ldc int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			for i := range m {
				clear(c[coff+i*ldc : coff+i*ldc+n])
			}
		}
		return
	}
	mr, nr := arch.mr, arch.nr
	if 2*m*n*k < 1<<21 {
		nthreads = 1 // too small to pay for goroutines
	}
	bp := getScratch[T](min(gemmKC, k) * roundUp(min(gemmNC, n), nr))
	defer putScratch(bp)
	for jc := 0; jc < n; jc += gemmNC {
		nb := min(gemmNC, n-jc)
		for pc := 0; pc < k; pc += gemmKC {
			kb := min(gemmKC, k-pc)
			bv := b
			bv.off += pc*b.rs + jc*b.cs
			packB(*bp, bv, kb, nb, nr)
			blocks := (m + gemmMC - 1) / gemmMC
			// Work items: row blocks of A, each split into column ranges of B when there are
			// fewer row blocks than threads.
			splits := 1
			if nthreads > blocks {
				splits = min((nthreads+blocks-1)/blocks, (nb+nr-1)/nr)
			}
			span := roundUp((nb+splits-1)/splits, nr)
			items := blocks * splits
			work := func(first, step int) {
				ap := getScratch[T](gemmMC * kb)
				defer putScratch(ap)
				var tmp [12 * 32]T
				packed := -1
				for item := first; item < items; item += step {
					blk, part := item/splits, item%splits
					ic := blk * gemmMC
					mb := min(gemmMC, m-ic)
					if packed != blk {
						av := a
						av.off += ic*a.rs + pc*a.cs
						packA(*ap, av, mb, kb, mr)
						packed = blk
					}
					for jr := part * span; jr < min(nb, (part+1)*span); jr += nr {
						bpanel := (*bp)[jr*kb:]
						cols := min(nr, nb-jr)
						for ir := 0; ir < mb; ir += mr {
							apanel := (*ap)[ir*kb:]
							rows := min(mr, mb-ir)
							cpos := coff + (ic+ir)*ldc + jc + jr
							// The first k block overwrites C unless the caller accumulates.
							overwrite := pc == 0 && !accumulate
							if rows == mr && cols == nr {
								arch.kernel(kb, apanel, bpanel, c[cpos:], ldc, overwrite)
								continue
							}
							t := tmp[:mr*nr]
							arch.kernel(kb, apanel, bpanel, t, nr, true)
							for i := range rows {
								row := c[cpos+i*ldc : cpos+i*ldc+cols]
								trow := t[i*nr : i*nr+cols]
								if overwrite {
									copy(row, trow)
									continue
								}
								for j := range row {
									row[j] += trow[j]
								}
							}
						}
					}
				}
			}
			workers := min(nthreads, items)
			parallelFor(workers, func(t int) { work(t, workers) })
		}
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }
