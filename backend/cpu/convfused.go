package cpu

import (
	"fmt"
	"sync"

	"github.com/ember-ml/ember/backend"
)

// The fused convolution works on chunks of a few images: it unfolds a chunk into a column
// buffer small enough to stay in the L2 cache ([K, B·L] for K = C·KH·KW window values and L =
// OH·OW positions per image), multiplies it by the filters in one product, and writes the
// chunk's outputs with bias and activation. Backward re-unfolds each chunk instead of keeping
// the columns, so no buffer grows with the batch.

// convChunkElems is the column-buffer budget in elements (256 KiB of float32).
const convChunkElems = 64 * 1024

// gemmFunc computes C = A·B (C += A·B when accumulate) for strided A (m×k) and B (k×n) and a
// row-major C at c[coff:] with row stride ldc, on one goroutine.
type gemmFunc[T float32 | float64] func(m, n, k int, a []T, aoff, ars, acs int, b []T, boff, brs, bcs int, c []T, coff, ldc int, accumulate bool)

func gemm32(m, n, k int, a []float32, aoff, ars, acs int, b []float32, boff, brs, bcs int, c []float32, coff, ldc int, accumulate bool) {
	av, bv := matView{a, aoff, ars, acs}, matView{b, boff, brs, bcs}
	if !accumulate && m*n*k <= smallGemm && ldc == n {
		smallMatMul(m, n, k, av, bv, c[coff:coff+m*n])
		return
	}
	sgemmThreads(1, m, n, k, av, bv, c, coff, ldc, accumulate)
}

// gemmRef is the reference product for float64 (and the definition gemm32 must match).
func gemmRef[T float32 | float64](m, n, k int, a []T, aoff, ars, acs int, b []T, boff, brs, bcs int, c []T, coff, ldc int, accumulate bool) {
	for i := range m {
		row := c[coff+i*ldc : coff+i*ldc+n]
		if !accumulate {
			clear(row)
		}
		for p := range k {
			av := a[aoff+i*ars+p*acs]
			bo := boff + p*brs
			for j := range row {
				row[j] += av * b[bo+j*bcs]
			}
		}
	}
}

// convPlan splits a batch into chunks of images and the chunks among workers.
type convPlan struct {
	chunk, chunks int // images per chunk, number of chunks
	workers       int
}

// planChunks chunks a batch of n images whose buffers take per values each: chunks fit the
// column-buffer budget, and every worker gets at least one.
func planChunks(n, per int) convPlan {
	p := convPlan{chunk: max(1, min(n, convChunkElems/max(per, 1)))}
	threads := Threads()
	if threads > 1 && n > 1 {
		p.chunk = max(1, min(p.chunk, (n+threads-1)/threads))
	}
	p.chunks = (n + p.chunk - 1) / p.chunk
	p.workers = max(1, min(threads, p.chunks, maxWorkers))
	return p
}

// run calls fn(worker, first image, images) for every chunk, spreading chunks over workers.
func (p convPlan) run(n int, fn func(worker, n0, nb int)) {
	work := func(w int) {
		for c := w; c < p.chunks; c += p.workers {
			n0 := c * p.chunk
			fn(w, n0, min(p.chunk, n-n0))
		}
	}
	parallelFor(p.workers, work)
}

// scratch hands out reusable per-call buffers (float workspaces and int offset lists).
var scratch32, scratch64, scratchInt sync.Pool

func scratchPool[T float32 | float64 | int]() *sync.Pool {
	var z T
	switch any(z).(type) {
	case float32:
		return &scratch32
	case float64:
		return &scratch64
	}
	return &scratchInt
}

func getScratch[T float32 | float64 | int](n int) *[]T {
	p, _ := scratchPool[T]().Get().(*[]T)
	if p == nil {
		p = new([]T)
	}
	if cap(*p) < n {
		*p = make([]T, n)
	}
	*p = (*p)[:n]
	return p
}

func putScratch[T float32 | float64 | int](p *[]T) { scratchPool[T]().Put(p) }

func checkConvAct(act backend.UnaryOp) {
	if act != backend.Identity && act != backend.ReLU {
		panic(fmt.Sprintf("cpu: conv2d: fused activation must be Identity or ReLU, got %v", act))
	}
}

// Conv2d writes act(w·im2col(src) + bias) into dst [N, outC, OH, OW].
func (Backend) Conv2d(dst, src backend.Storage, srcL backend.Layout, w, bias backend.Storage, g backend.ConvGeometry, outC int, act backend.UnaryOp) {
	checkConvAct(act)
	switch s := src.(type) {
	case *Storage[float32]:
		if implicitConvOK(g) {
			convImplicitForward(data[float32](dst), s.Data, srcL, data[float32](w), optData[float32](bias), g, outC, act == backend.ReLU)
			return
		}
		convForward(data[float32](dst), s.Data, srcL, data[float32](w), optData[float32](bias), g, outC, act == backend.ReLU, gemm32)
	case *Storage[float64]:
		convForward(data[float64](dst), s.Data, srcL, data[float64](w), optData[float64](bias), g, outC, act == backend.ReLU, gemmRef[float64])
	default:
		panic(fmt.Sprintf("cpu: conv2d: needs float storages, got %T", src))
	}
}

// optData is data for an optional storage (nil stays nil).
func optData[T Elem](s backend.Storage) []T {
	if s == nil {
		return nil
	}
	return data[T](s)
}

func convForward[T float32 | float64](dst, src []T, l backend.Layout, w, bias []T, g backend.ConvGeometry, outC int, relu bool, gemm gemmFunc[T]) {
	K, L, O := g.C*g.KH*g.KW, g.OutH()*g.OutW(), outC
	p := planChunks(g.N, max(K, O)*L)
	p.run(g.N, func(_, n0, nb int) {
		ld := nb * L
		colsP := getScratch[T](K * ld)
		outP := getScratch[T](O * ld)
		defer putScratch(colsP)
		defer putScratch(outP)
		cols, out := *colsP, *outP
		for b := range nb {
			im2colSample(cols[b*L:], ld, src, l.Offset+(n0+b)*l.Strides[0], l.Strides[1:4], g, 0)
		}
		gemm(O, ld, K, w, 0, K, 1, cols, 0, ld, 1, out, 0, ld, false)
		for b := range nb {
			img := dst[(n0+b)*O*L : (n0+b+1)*O*L]
			for o := range O {
				var bo T
				if bias != nil {
					bo = bias[o]
				}
				src := out[o*ld+b*L : o*ld+b*L+L]
				row := img[o*L : o*L+L]
				if relu {
					for i, v := range src {
						row[i] = max(v+bo, 0)
					}
					continue
				}
				for i, v := range src {
					row[i] = v + bo
				}
			}
		}
	})
}

// Conv2dBackward computes the gradients of Conv2d from gy, the gradient of its output.
func (Backend) Conv2dBackward(dx, dw, db, gy, y, src backend.Storage, srcL backend.Layout, w backend.Storage, g backend.ConvGeometry, outC int, act backend.UnaryOp) {
	checkConvAct(act)
	switch s := src.(type) {
	case *Storage[float32]:
		if implicitConvOK(g) {
			convImplicitBackward(optData[float32](dx), optData[float32](dw), optData[float32](db), data[float32](gy), optData[float32](y), s.Data, srcL, data[float32](w), g, outC, act == backend.ReLU)
			return
		}
		convBackward(optData[float32](dx), optData[float32](dw), optData[float32](db), data[float32](gy), optData[float32](y), s.Data, srcL, data[float32](w), g, outC, act == backend.ReLU, gemm32)
	case *Storage[float64]:
		convBackward(optData[float64](dx), optData[float64](dw), optData[float64](db), data[float64](gy), optData[float64](y), s.Data, srcL, data[float64](w), g, outC, act == backend.ReLU, gemmRef[float64])
	default:
		panic(fmt.Sprintf("cpu: conv2d backward: needs float storages, got %T", src))
	}
}

func convBackward[T float32 | float64](dx, dw, db, gy, y, src []T, l backend.Layout, w []T, g backend.ConvGeometry, outC int, relu bool, gemm gemmFunc[T]) {
	K, L, O := g.C*g.KH*g.KW, g.OutH()*g.OutW(), outC
	p := planChunks(g.N, max(K, O)*L)
	dws, dbs, release := partialSums(p.workers, dw, db)
	defer release()
	p.run(g.N, func(wk, n0, nb int) {
		ld := nb * L
		colsP := getScratch[T](K * ld)
		gradP := getScratch[T](O * ld)
		defer putScratch(colsP)
		defer putScratch(gradP)
		cols, grad := *colsP, *gradP
		// grad [O, nb·L]: the chunk's output gradient, through the activation.
		for b := range nb {
			base := (n0 + b) * O * L
			for o := range O {
				gsrc := gy[base+o*L : base+o*L+L]
				row := grad[o*ld+b*L : o*ld+b*L+L]
				if relu {
					ys := y[base+o*L : base+o*L+L]
					for i, v := range gsrc {
						if ys[i] > 0 {
							row[i] = v
						} else {
							row[i] = 0
						}
					}
					continue
				}
				copy(row, gsrc)
			}
		}
		if gb := dbs[wk]; gb != nil {
			for o := range O {
				var s T
				for _, v := range grad[o*ld : o*ld+ld] {
					s += v
				}
				gb[o] += s
			}
		}
		if gw := dws[wk]; gw != nil {
			for b := range nb {
				im2colSample(cols[b*L:], ld, src, l.Offset+(n0+b)*l.Strides[0], l.Strides[1:4], g, 0)
			}
			// dw += grad · colsᵀ
			gemm(O, K, ld, grad, 0, ld, 1, cols, 0, 1, ld, gw, 0, K, true)
		}
		if dx != nil {
			// cols = wᵀ · grad, folded back into each image.
			gemm(K, ld, O, w, 0, 1, K, grad, 0, ld, 1, cols, 0, ld, false)
			chw := g.C * g.H * g.W
			for b := range nb {
				col2imSample(dx[(n0+b)*chw:(n0+b+1)*chw], cols, b*L, ld, 1, g)
			}
		}
	})
	for wk := 1; wk < p.workers; wk++ {
		for i, v := range dws[wk] {
			dw[i] += v
		}
		for i, v := range dbs[wk] {
			db[i] += v
		}
	}
}

// maxWorkers bounds the goroutines one convolution uses.
const maxWorkers = 64

// partialSums zeroes dw and db and returns where each worker accumulates its share: worker 0
// into dw and db themselves, the others into pooled buffers (nil slices where dw or db is nil)
// that release hands back. The caller adds the partial sums into dw and db.
func partialSums[T float32 | float64](workers int, dw, db []T) (dws, dbs [][]T, release func()) {
	clear(dw)
	clear(db)
	dws, dbs = make([][]T, workers), make([][]T, workers)
	dws[0], dbs[0] = dw, db
	parts := make([]*[]T, workers)
	for wk := 1; wk < workers; wk++ {
		part := getScratch[T](len(dw) + len(db))
		clear(*part)
		parts[wk] = part
		if dw != nil {
			dws[wk] = (*part)[:len(dw)]
		}
		if db != nil {
			dbs[wk] = (*part)[len(dw):]
		}
	}
	return dws, dbs, func() {
		for _, part := range parts[1:] {
			putScratch(part)
		}
	}
}

// MaxPool2dBackward adds gy [N, C, OH, OW] into the zero-filled dx [N, C, H, W] at the
// positions idx recorded.
func (Backend) MaxPool2dBackward(dx, gy, idx backend.Storage, g backend.ConvGeometry) {
	switch d := dx.(type) {
	case *Storage[float32]:
		if pool2x2Backward != nil && is2x2(g) && g.OutW() > 0 {
			pool2x2Backward(d.Data, data[float32](gy), data[int64](idx), planeOf(g))
			return
		}
		maxPoolBackward(d.Data, data[float32](gy), data[int64](idx), g)
	case *Storage[float64]:
		maxPoolBackward(d.Data, data[float64](gy), data[int64](idx), g)
	default:
		panic(fmt.Sprintf("cpu: max_pool2d backward: needs float storages, got %T", dx))
	}
}

func maxPoolBackward[T float32 | float64](dx, gy []T, idx []int64, g backend.ConvGeometry) {
	hw, ohw := g.H*g.W, g.OutH()*g.OutW()
	for img := range g.N * g.C {
		plane := dx[img*hw : (img+1)*hw]
		gs := gy[img*ohw : (img+1)*ohw]
		for p, at := range idx[img*ohw : (img+1)*ohw] {
			if at >= 0 {
				plane[at] += gs[p]
			}
		}
	}
}
