import * as tf from '@tensorflow/tfjs-core'
import { initBackend, describeBackend } from '/work/wt/webgpu/src/engine/backends/init'
const info = await initBackend((process.argv[2] as any) || undefined)
console.log(describeBackend(info)); console.log(JSON.stringify(info.adapter))
const a = tf.tensor2d([[1, -2], [3, 4]])
console.log(tf.matMul(a, a).dataSync(), tf.sum(a).dataSync())
const g = tf.grad((x: tf.Tensor) => tf.sum(tf.relu(tf.conv2d(x as tf.Tensor4D, tf.ones([3,3,1,2]) as tf.Tensor4D, 1, 'same'))))(tf.randomNormal([1,5,5,1]))
console.log(g.shape, g.dataSync().slice(0,5))
