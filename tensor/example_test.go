package tensor_test

import (
	"fmt"
	"math"
	"slices"
	"sync"

	_ "github.com/ember-ml/ember/backend/meta" // registers the meta device
	"github.com/ember-ml/ember/tensor"
)

// Gradients by backpropagation: y = Σ x² has dy/dx = 2x.
func ExampleTensor_Backward() {
	x := tensor.FromSlice([]float32{1, 2, 3}).SetRequiresGrad(true)
	y := x.Mul(x).Sum()
	y.Backward()
	fmt.Println(y.Item(), x.Grad().Float32s(), y.GradFn())
	// Output: 14 [2 4 6] SumBackward0
}

// Views share storage; broadcasting follows NumPy's rules.
func ExampleTensor_View() {
	a := tensor.Arange(0, 6, 1).View(2, 3)
	b := tensor.FromSlice([]float32{10, 20, 30})
	fmt.Println(a.Add(b).Float32s(), a.Transpose(0, 1).Shape(), a.SumDims([]int{0}, false).Float32s())
	// Output: [10 21 32 13 24 35] [3 2] [3 5 7]
}

// NoGrad belongs to the calling goroutine: a goroutine serving predictions without history
// never stops another goroutine's training from recording.
func ExampleNoGrad() {
	w := tensor.FromSlice([]float32{0.5, -1}).SetRequiresGrad(true)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tensor.NoGrad(func() {
			fmt.Println("serving, records history:", w.MulScalar(2).RequiresGrad())
		})
	}()
	wg.Wait()
	fmt.Println("training, records history:", w.MulScalar(2).RequiresGrad())
	// Output:
	// serving, records history: false
	// training, records history: true
}

// Random tensors come from explicit generators: the same seed gives the same numbers.
func ExampleNewGenerator() {
	a := tensor.Randint(tensor.NewGenerator(42), 0, 10, 5)
	b := tensor.Randint(tensor.NewGenerator(42), 0, 10, 5)
	fmt.Println(a.Int64s(), slices.Equal(a.Int64s(), b.Int64s()))
	// Output: [4 9 7 3 8] true
}

// Softmax and LogSoftmax are stable for large logits.
func ExampleTensor_LogSoftmax() {
	x := tensor.FromSlice([]float32{10000, 9999, 9998})
	fmt.Printf("%.6f\n", x.LogSoftmax(0).Float32s())
	fmt.Printf("%.4f\n", x.Softmax(0).Float32s())
	// Output:
	// [-0.407606 -1.407606 -2.407606]
	// [0.6652 0.2447 0.0900]
}

// Sort is stable: equal values keep their order, and NaN sorts as the largest value.
func ExampleTensor_Sort() {
	x := tensor.FromSlice([]float32{2, float32(math.NaN()), -1, 2, 0})
	v, i := x.Sort(0, false)
	fmt.Println(v.Float32s(), i.Int64s())
	v, i = x.Sort(0, true)
	fmt.Println(v.Float32s(), i.Int64s())
	fmt.Println(x.ArgSort(0, false).Int64s())
	// Output:
	// [-1 0 2 2 NaN] [2 4 0 3 1]
	// [NaN 2 2 0 -1] [1 0 3 4 2]
	// [2 4 0 3 1]
}

// TopK selects the k largest (or smallest) entries of each row; ties come lower index first.
// The gradient of the values flows back to the positions they came from.
func ExampleTensor_TopK() {
	scores := tensor.FromRows([][]float32{{0.1, 0.7, 0.2}, {0.5, 0.5, 0.9}}).SetRequiresGrad(true)
	v, i := scores.TopK(2, 1, true, true)
	fmt.Println(v.Float32s(), i.Int64s())
	v.Sum().Backward()
	fmt.Println(scores.Grad().Float32s())
	// Output:
	// [0.7 0.2 0.9 0.5] [1 2 2 0]
	// [0 1 1 1 0 1]
}

// Cdist gives the distances between every row of x1 and every row of x2.
func ExampleCdist() {
	x1 := tensor.FromRows([][]float32{{0, 0}, {1, 1}})
	x2 := tensor.FromRows([][]float32{{3, 4}, {1, 1}, {0, 1}})
	fmt.Println(tensor.Cdist(x1, x2, 2).Float32s())
	fmt.Println(tensor.Cdist(x1, x2, 1).Float32s())
	fmt.Println(tensor.Cdist(x1, x2, math.Inf(1)).Float32s())
	// Output:
	// [5 1.4142135 1 3.6055512 0 1]
	// [7 2 1 5 0 1]
	// [4 1 1 3 0 1]
}

// To converts dtypes and moves tensors between devices. On the meta device a tensor has a
// shape and a dtype but no data, and every op computes only its output's shape.
func ExampleTensor_To() {
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(x.To(tensor.Float64).DType(), x.Device())
	m := x.To(tensor.Meta)
	y := m.MatMul(m.T()).Softmax(1)
	fmt.Println(y)
	fmt.Printf("%v %#v\n", y.Device(), y.Device())
	// Output:
	// float64 cpu
	// tensor(..., device='meta', size=(2, 2))
	// meta device(type='meta')
}
