package cpu

import (
	"github.com/ember-ml/ember/backend"
)

// Gather reads src along dim at the positions index gives.
func (Backend) Gather(dst backend.Storage, src backend.Storage, srcL backend.Layout, index backend.Storage, indexL backend.Layout, dim int) {
	idx := data[int64](index)
	switch s := src.(type) {
	case *Storage[float32]:
		gather(data[float32](dst), s.Data, srcL, idx, indexL, dim)
	case *Storage[float64]:
		gather(data[float64](dst), s.Data, srcL, idx, indexL, dim)
	case *Storage[int64]:
		gather(data[int64](dst), s.Data, srcL, idx, indexL, dim)
	case *Storage[bool]:
		gather(data[bool](dst), s.Data, srcL, idx, indexL, dim)
	}
}

func gather[T Elem](dst []T, src []T, srcL backend.Layout, idx []int64, idxL backend.Layout, dim int) {
	if gatherRows(dst, src, srcL, idx, idxL, dim) {
		return
	}
	// Walk the index shape; the source offset ignores dim (stride 0) and adds index·stride.
	srcSt := append([]int(nil), srcL.Strides...)
	dimSt := srcSt[dim]
	srcSt[dim] = 0
	i := 0
	walk(idxL.Shape, [][]int{idxL.Strides, srcSt}, []int{idxL.Offset, srcL.Offset}, func(o []int, n int, in []int) {
		p, s := o[0], o[1]
		for range n {
			dst[i] = src[s+int(idx[p])*dimSt]
			i++
			p += in[0]
			s += in[1]
		}
	})
}

// ScatterAdd accumulates src into dst along dim at the positions index gives.
func (Backend) ScatterAdd(dst backend.Storage, dstL backend.Layout, index backend.Storage, indexL backend.Layout, src backend.Storage, srcL backend.Layout, dim int) {
	idx := data[int64](index)
	switch d := dst.(type) {
	case *Storage[float32]:
		scatterAdd(d.Data, dstL, idx, indexL, data[float32](src), srcL, dim)
	case *Storage[float64]:
		scatterAdd(d.Data, dstL, idx, indexL, data[float64](src), srcL, dim)
	case *Storage[int64]:
		scatterAdd(d.Data, dstL, idx, indexL, data[int64](src), srcL, dim)
	}
}

func scatterAdd[T number](dst []T, dstL backend.Layout, idx []int64, idxL backend.Layout, src []T, srcL backend.Layout, dim int) {
	dstSt := append([]int(nil), dstL.Strides...)
	dimSt := dstSt[dim]
	dstSt[dim] = 0
	walk(idxL.Shape, [][]int{idxL.Strides, srcL.Strides, dstSt}, []int{idxL.Offset, srcL.Offset, dstL.Offset}, func(o []int, n int, in []int) {
		p, s, d := o[0], o[1], o[2]
		for range n {
			dst[d+int(idx[p])*dimSt] += src[s]
			p += in[0]
			s += in[1]
			d += in[2]
		}
	})
}

// gatherRows is the fast path of index_select on dim 0 of a contiguous tensor: the index
// varies only along dim 0 (zero strides elsewhere), so each output row is a copy of a row.
func gatherRows[T Elem](dst []T, src []T, srcL backend.Layout, idx []int64, idxL backend.Layout, dim int) bool {
	if dim != 0 || len(idxL.Shape) == 0 || !srcL.IsContiguous() {
		return false
	}
	for d := 1; d < len(idxL.Strides); d++ {
		if idxL.Strides[d] != 0 || idxL.Shape[d] != srcL.Shape[d] {
			return false
		}
	}
	row := 1
	for _, d := range srcL.Shape[1:] {
		row *= d
	}
	for i := range idxL.Shape[0] {
		r := int(idx[idxL.Offset+i*idxL.Strides[0]])
		copy(dst[i*row:(i+1)*row], src[srcL.Offset+r*row:srcL.Offset+(r+1)*row])
	}
	return true
}
