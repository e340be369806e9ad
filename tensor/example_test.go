package tensor_test

import (
	"fmt"
	"slices"
	"sync"

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
