package cpu

import (
	"math"

	"github.com/ember-ml/ember/backend"
)

// Cdist computes pairwise p-norm distances row by row, each row of a against every row of b,
// accumulating in the element type like PyTorch's kernel; rows are spread over goroutines.
func (Backend) Cdist(dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout, p float64) {
	switch d := dst.(type) {
	case *Storage[float32]:
		cdist(d.Data, dense(data[float32](a), aL), dense(data[float32](b), bL), aL.Shape, bL.Shape[1], p)
	case *Storage[float64]:
		cdist(d.Data, dense(data[float64](a), aL), dense(data[float64](b), bL), aL.Shape, bL.Shape[1], p)
	}
}

// CdistBackward accumulates each row's gradient over the rows of b.
func (Backend) CdistBackward(ga backend.Storage, g backend.Storage, gL backend.Layout, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout, dist backend.Storage, distL backend.Layout, p float64) {
	switch d := ga.(type) {
	case *Storage[float32]:
		cdistBackward(d.Data, dense(data[float32](g), gL), dense(data[float32](a), aL), dense(data[float32](b), bL), dense(data[float32](dist), distL), aL.Shape, bL.Shape[1], p)
	case *Storage[float64]:
		cdistBackward(d.Data, dense(data[float64](g), gL), dense(data[float64](a), aL), dense(data[float64](b), bL), dense(data[float64](dist), distL), aL.Shape, bL.Shape[1], p)
	}
}

type float interface{ ~float32 | ~float64 }

// dense returns the elements of src through l in row-major order, without a copy when l is
// contiguous.
func dense[T Elem](src []T, l backend.Layout) []T {
	n := l.Numel()
	if l.IsContiguous() {
		return src[l.Offset : l.Offset+n]
	}
	out := make([]T, n)
	i := 0
	walk(l.Shape, [][]int{l.Strides}, []int{l.Offset}, func(o []int, cnt int, in []int) {
		s := o[0]
		for range cnt {
			out[i] = src[s]
			i++
			s += in[0]
		}
	})
	return out
}

// cdistRows runs fn over the rows [lo, hi) of rows rows, each costing work, on several
// goroutines when the total is large.
func cdistRows(rows, work int, fn func(lo, hi int)) {
	workers := min(Threads(), rows, max(1, rows*work/(1<<16)))
	if workers <= 1 {
		fn(0, rows)
		return
	}
	parallelFor(workers, func(w int) { fn(w*rows/workers, (w+1)*rows/workers) })
}

func cdist[T float](dst, a, b []T, aShape []int, r int, p float64) {
	nb, pr, m := aShape[0], aShape[1], aShape[2]
	cdistRows(nb*pr, r*m, func(lo, hi int) {
		for row := lo; row < hi; row++ {
			ai := a[row*m : (row+1)*m]
			bs := b[row/pr*r*m:]
			out := dst[row*r : (row+1)*r]
			j := 0
			if p == 1 { // four rows of b at a time: each element of ai is loaded once
				for ; j+4 <= r; j += 4 {
					manhattan4(out[j:j+4], ai, bs[j*m:(j+4)*m])
				}
			}
			for ; j < r; j++ {
				out[j] = pdist(ai, bs[j*m:(j+1)*m], p)
			}
		}
	})
}

// sumAbs returns Σ|x[k] − y[k]| with four running sums (independent additions pipeline).
func sumAbs[T float](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	k := 0
	for ; k+4 <= len(x); k += 4 {
		s0 += T(math.Abs(float64(x[k] - y[k])))
		s1 += T(math.Abs(float64(x[k+1] - y[k+1])))
		s2 += T(math.Abs(float64(x[k+2] - y[k+2])))
		s3 += T(math.Abs(float64(x[k+3] - y[k+3])))
	}
	for ; k < len(x); k++ {
		s0 += T(math.Abs(float64(x[k] - y[k])))
	}
	return (s0 + s1) + (s2 + s3)
}

// sumSq returns Σ(x[k] − y[k])² with four running sums.
func sumSq[T float](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	k := 0
	for ; k+4 <= len(x); k += 4 {
		d0, d1, d2, d3 := x[k]-y[k], x[k+1]-y[k+1], x[k+2]-y[k+2], x[k+3]-y[k+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; k < len(x); k++ {
		d := x[k] - y[k]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// manhattan4 writes into out the L1 distances between x and the four rows of y (4·len(x)).
func manhattan4[T float](out, x, y []T) {
	m := len(x)
	y0, y1, y2, y3 := y[:m], y[m:2*m], y[2*m:3*m], y[3*m:4*m]
	var s0, s1, s2, s3 T
	for k, v := range x {
		s0 += T(math.Abs(float64(v - y0[k])))
		s1 += T(math.Abs(float64(v - y1[k])))
		s2 += T(math.Abs(float64(v - y2[k])))
		s3 += T(math.Abs(float64(v - y3[k])))
	}
	out[0], out[1], out[2], out[3] = s0, s1, s2, s3
}

// pdist is the p-norm distance between x and y (same length).
func pdist[T float](x, y []T, p float64) T {
	var acc T
	switch {
	case p == 0:
		for k, v := range x {
			if v != y[k] {
				acc++
			}
		}
	case p == 1:
		return sumAbs(x, y)
	case p == 2:
		return T(math.Sqrt(float64(sumSq(x, y))))
	case math.IsInf(p, 1):
		for k, v := range x {
			d := T(math.Abs(float64(v - y[k])))
			if d > acc || d != d {
				acc = d
			}
		}
	case p == math.Trunc(p) && p <= 16: // integer powers by multiplication
		n := int(p)
		for k, v := range x {
			d := T(math.Abs(float64(v - y[k])))
			t := d
			for range n - 1 {
				t *= d
			}
			acc += t
		}
		acc = T(math.Pow(float64(acc), 1/p))
	default:
		for k, v := range x {
			acc += T(math.Pow(math.Abs(float64(v-y[k])), p))
		}
		acc = T(math.Pow(float64(acc), 1/p))
	}
	return acc
}

func cdistBackward[T float](ga, g, a, b, dist []T, aShape []int, r int, p float64) {
	nb, pr, m := aShape[0], aShape[1], aShape[2]
	cdistRows(nb*pr, r*m, func(lo, hi int) {
		for row := lo; row < hi; row++ {
			ai := a[row*m : (row+1)*m]
			gi := ga[row*m : (row+1)*m]
			clear(gi)
			bs := b[row/pr*r*m:]
			for j := range r {
				gij, dij := g[row*r+j], dist[row*r+j]
				if dij == 0 || gij == 0 {
					continue
				}
				bj := bs[j*m : (j+1)*m]
				switch {
				case p == 1:
					for k, v := range ai {
						if d := v - bj[k]; d > 0 {
							gi[k] += gij
						} else if d < 0 {
							gi[k] -= gij
						}
					}
				case p == 2:
					c := gij / dij
					for k, v := range ai {
						gi[k] += c * (v - bj[k])
					}
				case math.IsInf(p, 1):
					for k, v := range ai {
						d := v - bj[k]
						if d == dij {
							gi[k] += gij
						} else if -d == dij {
							gi[k] -= gij
						}
					}
				default:
					c := float64(gij) / math.Pow(float64(dij), p-1)
					for k, v := range ai {
						d := float64(v - bj[k])
						if d == 0 {
							continue
						}
						gi[k] += T(math.Copysign(math.Pow(math.Abs(d), p-1)*c, d))
					}
				}
			}
		}
	})
}
