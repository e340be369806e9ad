package cpu

import (
	"math"

	"github.com/ember-ml/ember/backend"
)

// reducedStrides returns the contiguous strides of shape with dims set to 1, then zeroed at
// the reduced dims, so that walking the source shape visits the output element of each input.
func reducedStrides(shape []int, dims []int) []int {
	out := append([]int(nil), shape...)
	for _, d := range dims {
		out[d] = 1
	}
	st := contig(out)
	for _, d := range dims {
		st[d] = 0
	}
	return st
}

// Reduce reduces src over dims.
func (Backend) Reduce(op backend.ReduceOp, dst backend.Storage, src backend.Storage, srcL backend.Layout, dims []int) {
	if f, ok := src.(*Storage[float32]); ok && op == backend.Sum && sumRowsFast(data[float32](dst), f.Data, srcL, dims) {
		return
	}
	dstSt := reducedStrides(srcL.Shape, dims)
	switch s := src.(type) {
	case *Storage[float32]:
		reduceNum(op, data[float32](dst), s.Data, srcL, dstSt)
	case *Storage[float64]:
		reduceNum(op, data[float64](dst), s.Data, srcL, dstSt)
	case *Storage[int64]:
		reduceNum(op, data[int64](dst), s.Data, srcL, dstSt)
	case *Storage[bool]:
		reduceBool(op, data[bool](dst), s.Data, srcL, dstSt)
	}
}

func reduceNum[T number](op backend.ReduceOp, dst []T, src []T, l backend.Layout, dstSt []int) {
	acc := make([]float64, len(dst))
	var iacc []int64 // int64 sums and products stay exact
	_, isInt := any(dst).([]int64)
	if isInt {
		iacc = make([]int64, len(dst))
	}
	var init float64
	switch op {
	case backend.Prod:
		init = 1
	case backend.Max:
		init = math.Inf(-1)
	case backend.Min:
		init = math.Inf(1)
	}
	for i := range acc {
		acc[i] = init
		if isInt {
			iacc[i] = int64(init)
			if op == backend.Max {
				iacc[i] = math.MinInt64
			} else if op == backend.Min {
				iacc[i] = math.MaxInt64
			}
		}
	}
	walk(l.Shape, [][]int{l.Strides, dstSt}, []int{l.Offset, 0}, func(o []int, n int, in []int) {
		s, d := o[0], o[1]
		if !isInt && op == backend.Sum && in[1] == 0 {
			// A run that all lands in one output (the reduced innermost dim): sum it in a
			// register. This is the common case — bias gradients, means, norms.
			total := 0.0
			for range n {
				total += float64(src[s])
				s += in[0]
			}
			acc[d] += total
			return
		}
		for range n {
			if isInt {
				x := int64(src[s])
				switch op {
				case backend.Sum:
					iacc[d] += x
				case backend.Prod:
					iacc[d] *= x
				case backend.Max:
					iacc[d] = max(iacc[d], x)
				case backend.Min:
					iacc[d] = min(iacc[d], x)
				}
			} else {
				x := float64(src[s])
				switch op {
				case backend.Sum:
					acc[d] += x
				case backend.Prod:
					acc[d] *= x
				case backend.Max:
					if x > acc[d] || x != x {
						acc[d] = x
					}
				case backend.Min:
					if x < acc[d] || x != x {
						acc[d] = x
					}
				}
			}
			s += in[0]
			d += in[1]
		}
	})
	for i := range dst {
		if isInt {
			dst[i] = T(iacc[i])
		} else {
			dst[i] = T(acc[i])
		}
	}
}

// reduceBool computes any (Max, Sum) and all (Min, Prod).
func reduceBool(op backend.ReduceOp, dst []bool, src []bool, l backend.Layout, dstSt []int) {
	all := op == backend.Min || op == backend.Prod
	for i := range dst {
		dst[i] = all
	}
	walk(l.Shape, [][]int{l.Strides, dstSt}, []int{l.Offset, 0}, func(o []int, n int, in []int) {
		s, d := o[0], o[1]
		for range n {
			if all {
				dst[d] = dst[d] && src[s]
			} else {
				dst[d] = dst[d] || src[s]
			}
			s += in[0]
			d += in[1]
		}
	})
}

// ArgReduce finds the index of the first max or min along dim.
func (Backend) ArgReduce(op backend.ReduceOp, dst backend.Storage, src backend.Storage, srcL backend.Layout, dim int) {
	out := data[int64](dst)
	switch s := src.(type) {
	case *Storage[float32]:
		argReduce(op, out, s.Data, srcL, dim)
	case *Storage[float64]:
		argReduce(op, out, s.Data, srcL, dim)
	case *Storage[int64]:
		argReduce(op, out, s.Data, srcL, dim)
	case *Storage[bool]:
		b := make([]int64, len(s.Data))
		for i, v := range s.Data {
			if v {
				b[i] = 1
			}
		}
		argReduce(op, out, b, srcL, dim)
	}
}

func argReduce[T number](op backend.ReduceOp, out []int64, src []T, l backend.Layout, dim int) {
	outShape := append([]int(nil), l.Shape...)
	outShape[dim] = 1
	n, st := l.Shape[dim], l.Strides[dim]
	i := 0
	walk(outShape, [][]int{l.Strides}, []int{l.Offset}, func(o []int, cnt int, in []int) {
		s := o[0]
		for range cnt {
			best, bi := src[s], 0
			for k := 1; k < n && best == best; k++ {
				x := src[s+k*st]
				if x != x || (op == backend.Max && x > best) || (op == backend.Min && x < best) {
					best, bi = x, k
				}
			}
			out[i] = int64(bi)
			i++
			s += in[0]
		}
	})
}

// Cumsum computes running sums along dim.
func (Backend) Cumsum(dst backend.Storage, src backend.Storage, srcL backend.Layout, dim int) {
	switch s := src.(type) {
	case *Storage[float32]:
		cumsum(data[float32](dst), s.Data, srcL, dim)
	case *Storage[float64]:
		cumsum(data[float64](dst), s.Data, srcL, dim)
	case *Storage[int64]:
		cumsum(data[int64](dst), s.Data, srcL, dim)
	}
}

func cumsum[T number](dst []T, src []T, l backend.Layout, dim int) {
	outer := append([]int(nil), l.Shape...)
	outer[dim] = 1
	dstSt := contig(l.Shape)
	n, st, dstep := l.Shape[dim], l.Strides[dim], dstSt[dim]
	walk(outer, [][]int{l.Strides, dstSt}, []int{l.Offset, 0}, func(o []int, cnt int, in []int) {
		s, d := o[0], o[1]
		for range cnt {
			var acc T
			for k := range n {
				acc += src[s+k*st]
				dst[d+k*dstep] = acc
			}
			s += in[0]
			d += in[1]
		}
	})
}

// sumRowsFast sums a contiguous float32 matrix over its rows (dims [0] of a 2-D layout: the
// bias gradient of a linear layer), accumulating in float64; it reports whether it applied.
func sumRowsFast(dst, src []float32, l backend.Layout, dims []int) bool {
	if len(l.Shape) != 2 || len(dims) != 1 || dims[0] != 0 || !l.IsContiguous() {
		return false
	}
	rows, cols := l.Shape[0], l.Shape[1]
	var small [64]float64
	acc := small[:0]
	if cols <= len(small) {
		acc = small[:cols]
	} else {
		acc = make([]float64, cols)
	}
	for r := range rows {
		row := src[l.Offset+r*cols : l.Offset+(r+1)*cols]
		for j, v := range row {
			acc[j] += float64(v)
		}
	}
	for j := range cols {
		dst[j] = float32(acc[j])
	}
	return true
}
