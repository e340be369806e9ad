package explain_test

import (
	"fmt"

	"github.com/ember-ml/ember/explain"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
)

// Grad-CAM of a tiny "bright square detector" (an all-ones 3×3 convolution, ReLU, global
// average pooling) points at the square: the map peaks, at 1, on the square's centre.
func ExampleGradCAM() {
	conv := nn.Conv2d(1, 1, [2]int{3, 3}, tensor.Conv2dOptions{Padding: [2]int{1, 1}}, nn.NoBias())
	conv.Weight.CopyFrom(tensor.Ones(1, 1, 3, 3))
	model := nn.Sequential(conv, nn.ReLU(), nn.AdaptiveAvgPool2d(1, 1), nn.Flatten())

	pix := make([]float32, 8*8)
	for r := 4; r < 7; r++ {
		for c := 1; c < 4; c++ {
			pix[r*8+c] = 1 // a 3×3 square centred on row 5, column 2
		}
	}
	x := tensor.FromSlice(pix, 1, 1, 8, 8)

	cam, err := explain.GradCAM(model, conv, x, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(cam.Shape())
	fmt.Printf("centre %.2f, corner (0, 7) %.2f\n", cam.At(0, 5, 2), cam.At(0, 0, 7))
	// Output:
	// [1 8 8]
	// centre 1.00, corner (0, 7) 0.00
}

// Integrated gradients split a linear model's score among its inputs: each input gets its
// weight times its distance from the baseline.
func ExampleIntegratedGradients() {
	lin := nn.Linear(3, 1, nn.NoBias())
	lin.Weight.CopyFrom(tensor.FromSlice([]float32{2, -1, 0.5}, 1, 3))
	x := tensor.FromSlice([]float32{1, 1, 4}, 1, 3)

	attr, err := explain.IntegratedGradients(lin, x, nil, 0, 10)
	if err != nil {
		panic(err)
	}
	fmt.Println(attr.Float32s())
	// Output: [2 -1 2]
}
