import AssayTestSupport
import AssayVerify
import Testing

@Suite("Ordered pipeline")
struct OrderedPipelineTests {
    @Test("results come back chunk by chunk in submission order, whatever order the workers finish in")
    func order() {
        // Uneven work per item, so that chunks finish out of order on several threads.
        let pipeline = OrderedPipeline<Int, Int> { n in
            var x = UInt64(n)
            for _ in 0..<((n % 7) * 2000) { x = x &* 6364136223846793005 &+ 1442695040888963407 }
            return n * 2 + Int(x & 0)
        }
        var rng = SplitMix64(seed: 8)
        var expected: [[Int]] = []
        var next = 0
        for _ in 0..<200 {
            let size = Int(rng.next() % 40)
            let chunk = Array(next..<(next + size))
            next += size
            expected.append(chunk.map { $0 * 2 })
            pipeline.submit(chunk)
        }
        #expect(pipeline.pending == 200)
        var got: [[Int]] = []
        while let r = pipeline.next() { got.append(r) }
        #expect(got == expected)
        #expect(pipeline.pending == 0)
        #expect(pipeline.next() == nil)
    }

    @Test("interleaved submit and next keep order; after cancel, chunks not yet started come back empty")
    func interleavedAndCancel() {
        let pipeline = OrderedPipeline<Int, Int> { $0 + 1 }
        var seen: [Int] = []
        for k in 0..<50 {
            pipeline.submit(Array((k * 10)..<(k * 10 + 10)))
            if k % 3 == 2, let r = pipeline.next() { seen += r }
        }
        while let r = pipeline.next() { seen += r }
        #expect(seen == Array(1...500))
        pipeline.cancel()
        pipeline.submit([1, 2, 3])
        #expect(pipeline.next() == [])
        pipeline.finish()
    }
}
