namespace Dcgan.Evaluation;

/// <summary>
/// Gives an ONNX network a free batch dimension: the first dimension of every graph input and output becomes the
/// symbolic "N", and the recorded intermediate shapes (value_info, which repeat the fixed batch) are dropped so the
/// runtime infers them again. The weights and nodes are untouched, so each image's features stay what the network
/// computes for it alone. The ResNet-18 that ML.NET ships was exported with a fixed batch of 1, which limits
/// evaluation to one image per run. Works on the protobuf wire format directly: no ONNX library is needed.
/// </summary>
internal static class OnnxBatchDimension
{
    // Field numbers from onnx.proto: ModelProto.graph = 7; GraphProto.input = 11, output = 12, value_info = 13;
    // ValueInfoProto.type = 2; TypeProto.tensor_type = 1; TypeProto.Tensor.shape = 2; TensorShapeProto.dim = 1;
    // Dimension.dim_value = 1, dim_param = 2.
    private const int ModelGraph = 7, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    private const int ValueType = 2, TensorType = 1, TensorShape = 2, ShapeDim = 1, DimParam = 2;

    public static byte[] Rewrite(byte[] model, string batchName = "N") =>
        Edit(model, (field, payload) => field == ModelGraph ? Graph(payload, batchName) : payload);

    private static byte[] Graph(byte[] graph, string batchName) => Edit(graph, (field, payload) => field switch
    {
        GraphInput or GraphOutput => ValueInfo(payload, batchName),
        GraphValueInfo => null,
        _ => payload,
    });

    private static byte[] ValueInfo(byte[] info, string batchName) => Edit(info, (f, p) => f == ValueType ? Type(p, batchName) : p);
    private static byte[] Type(byte[] type, string batchName) => Edit(type, (f, p) => f == TensorType ? Tensor(p, batchName) : p);
    private static byte[] Tensor(byte[] tensor, string batchName) =>
        Edit(tensor, (f, p) => f == TensorShape ? FirstDimensionSymbolic(p, batchName) : p);

    private static byte[] FirstDimensionSymbolic(byte[] shape, string batchName)
    {
        bool first = true;
        return Edit(shape, (field, payload) =>
        {
            if (field != ShapeDim || !first) return payload;
            first = false;
            var name = System.Text.Encoding.UTF8.GetBytes(batchName);
            var dim = new MemoryStream();
            WriteVarint(dim, (ulong)(DimParam << 3 | 2));
            WriteVarint(dim, (ulong)name.Length);
            dim.Write(name);
            return dim.ToArray();
        })!;
    }

    /// <summary>
    /// Copies a message field by field; each length-delimited field's payload goes through <paramref name="change"/>
    /// (null drops the field). Other wire types are copied as they are.
    /// </summary>
    private static byte[] Edit(byte[] message, Func<int, byte[], byte[]?> change)
    {
        var output = new MemoryStream(message.Length);
        int at = 0;
        while (at < message.Length)
        {
            int start = at;
            ulong key = ReadVarint(message, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: ReadVarint(message, ref at); break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    int length = checked((int)ReadVarint(message, ref at));
                    if (at + length > message.Length) throw new InvalidDataException("the ONNX file is truncated");
                    var payload = message.AsSpan(at, length).ToArray();
                    at += length;
                    var changed = change(field, payload);
                    if (changed is null) continue;
                    WriteVarint(output, key);
                    WriteVarint(output, (ulong)changed.Length);
                    output.Write(changed);
                    continue;
                default: throw new InvalidDataException($"the ONNX file has an unknown protobuf wire type {wire}");
            }
            output.Write(message, start, at - start);
        }
        return output.ToArray();
    }

    private static ulong ReadVarint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length) throw new InvalidDataException("the ONNX file is truncated");
            byte b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("the ONNX file has a malformed varint");
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }
}
