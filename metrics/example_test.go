package metrics_test

import (
	"fmt"

	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
)

func ExampleAccuracy() {
	yTrue := tensor.FromSlice([]int64{0, 1, 2, 2, 1, 0, 2, 1})
	yPred := tensor.FromSlice([]int64{0, 2, 2, 2, 1, 0, 1, 1})
	acc, err := metrics.Accuracy(yTrue, yPred)
	if err != nil {
		panic(err)
	}
	fmt.Println(acc)
	// Output: 0.75
}

func ExampleF1() {
	// Binary labels: the F1 score of class 1.
	f1, _ := metrics.F1(tensor.FromSlice([]int64{0, 1, 1, 0, 1}), tensor.FromSlice([]int64{0, 1, 0, 0, 1}))
	fmt.Printf("binary %.4f\n", f1)
	// Several classes need an average: "macro" weighs every class alike.
	yTrue := tensor.FromSlice([]int64{0, 1, 2, 2, 1, 0, 2, 1})
	yPred := tensor.FromSlice([]int64{0, 2, 2, 2, 1, 0, 1, 1})
	macro, _ := metrics.F1(yTrue, yPred, metrics.Average("macro"))
	fmt.Printf("macro %.4f\n", macro)
	// Output:
	// binary 0.8000
	// macro 0.7778
}

func ExampleConfusionMatrix() {
	yTrue := tensor.FromSlice([]int64{0, 1, 2, 2, 1, 0, 2, 1})
	yPred := tensor.FromSlice([]int64{0, 2, 2, 2, 1, 0, 1, 1})
	m, _ := metrics.ConfusionMatrix(yTrue, yPred)
	fmt.Println(m.Counts)
	fmt.Print(m)
	// Output:
	// [[2 0 0] [0 2 1] [0 1 2]]
	// true\pred 0 1 2
	//         0 2 0 0
	//         1 0 2 1
	//         2 0 1 2
}

func ExampleClassificationReport_targetNames() {
	yTrue := tensor.FromSlice([]int64{0, 1, 2, 2, 1, 0, 2, 1})
	yPred := tensor.FromSlice([]int64{0, 2, 2, 2, 1, 0, 1, 1})
	r, err := metrics.ClassificationReport(yTrue, yPred, metrics.TargetNames("cat", "dog", "bird"))
	if err != nil {
		panic(err)
	}
	fmt.Print(r)
	// Output:
	//               precision    recall  f1-score   support
	//
	//          cat       1.00      1.00      1.00         2
	//          dog       0.67      0.67      0.67         3
	//         bird       0.67      0.67      0.67         3
	//
	//     accuracy                           0.75         8
	//    macro avg       0.78      0.78      0.78         8
	// weighted avg       0.75      0.75      0.75         8
}

func ExampleR2() {
	yTrue := tensor.FromSlice([]float64{1, 2, 3, 4})
	yPred := tensor.FromSlice([]float64{1.5, 2, 2.5, 4})
	mae, _ := metrics.MAE(yTrue, yPred)
	mse, _ := metrics.MSE(yTrue, yPred)
	r2, _ := metrics.R2(yTrue, yPred)
	fmt.Println(mae, mse, r2)
	// Output: 0.25 0.125 0.9
}
