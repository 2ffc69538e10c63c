package dev.floe.spark;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Floe's Arrow batches as Spark columns. Spark's own {@link ArrowColumnVector} reads every vector
 * Floe produces, structs, lists and maps included, except FixedSizeBinary; for those two Iceberg
 * types Spark's Iceberg connector maps uuid to a string and fixed to binary, and so do we (as
 * top-level columns; inside a nested type they are refused). The vectors stay Floe's: the Spark
 * columns are views, never closed here.
 */
final class SparkColumns {
  private SparkColumns() {}

  /**
   * The Spark schema of a scan's output columns.
   *
   * @throws IllegalArgumentException for a column Spark cannot hold as Floe reads it: time
   *     (microseconds; Spark's TIME type is nanoseconds and off by default) and timestamp_ns
   */
  static StructType schema(Schema schema) {
    List<Types.NestedField> columns = schema.columns();
    StructField[] fields = new StructField[columns.size()];
    for (int i = 0; i < fields.length; i++) {
      Types.NestedField column = columns.get(i);
      fields[i] =
          DataTypes.createStructField(column.name(), sparkType(column), column.isOptional());
    }
    return DataTypes.createStructType(fields);
  }

  private static DataType sparkType(Types.NestedField column) {
    return sparkType(column.name(), column.type(), true);
  }

  /**
   * The Spark type of {@code type}; {@code topLevel} because Floe's uuid and fixed vectors are
   * converted only as top-level columns (Spark's {@link ArrowColumnVector} inside a struct, list or
   * map does not read FixedSizeBinary).
   */
  private static DataType sparkType(String column, Type type, boolean topLevel) {
    switch (type.typeId()) {
      case BOOLEAN:
        return DataTypes.BooleanType;
      case INTEGER:
        return DataTypes.IntegerType;
      case LONG:
        return DataTypes.LongType;
      case FLOAT:
        return DataTypes.FloatType;
      case DOUBLE:
        return DataTypes.DoubleType;
      case DECIMAL:
        Types.DecimalType decimal = (Types.DecimalType) type;
        return DataTypes.createDecimalType(decimal.precision(), decimal.scale());
      case DATE:
        return DataTypes.DateType;
      case TIMESTAMP:
        return ((Types.TimestampType) type).shouldAdjustToUTC()
            ? DataTypes.TimestampType
            : DataTypes.TimestampNTZType;
      case STRING:
        return DataTypes.StringType;
      case BINARY:
        return DataTypes.BinaryType;
      case UUID:
      case FIXED:
        if (topLevel) {
          return type.typeId() == Type.TypeID.UUID ? DataTypes.StringType : DataTypes.BinaryType;
        }
        break;
      case STRUCT:
        List<Types.NestedField> fields = type.asStructType().fields();
        StructField[] sparkFields = new StructField[fields.size()];
        for (int i = 0; i < sparkFields.length; i++) {
          Types.NestedField field = fields.get(i);
          sparkFields[i] =
              DataTypes.createStructField(
                  field.name(),
                  sparkType(column + "." + field.name(), field.type(), false),
                  field.isOptional());
        }
        return DataTypes.createStructType(sparkFields);
      case LIST:
        Types.ListType list = type.asListType();
        return DataTypes.createArrayType(
            sparkType(column + ".element", list.elementType(), false), list.isElementOptional());
      case MAP:
        Types.MapType map = type.asMapType();
        return DataTypes.createMapType(
            sparkType(column + ".key", map.keyType(), false),
            sparkType(column + ".value", map.valueType(), false),
            map.isValueOptional());
      default:
        break;
    }
    throw new IllegalArgumentException(
        String.format(
            "Cannot read column '%s' into Spark: type %s has no Spark type here%s; leave it out"
                + " of the select",
            column, type, topLevel ? "" : " inside a struct, list or map"));
  }

  /** Spark columns over the vectors of {@code batch}, whose columns are {@code schema}'s. */
  static ColumnVector[] columns(VectorSchemaRoot batch, Schema schema) {
    List<Types.NestedField> fields = schema.columns();
    List<FieldVector> vectors = batch.getFieldVectors();
    ColumnVector[] columns = new ColumnVector[vectors.size()];
    for (int i = 0; i < columns.length; i++) {
      FieldVector vector = vectors.get(i);
      Type.TypeID type = fields.get(i).type().typeId();
      if (type == Type.TypeID.UUID) {
        columns[i] = new FixedBinaryColumn((FixedSizeBinaryVector) vector, DataTypes.StringType);
      } else if (type == Type.TypeID.FIXED) {
        columns[i] = new FixedBinaryColumn((FixedSizeBinaryVector) vector, DataTypes.BinaryType);
      } else {
        columns[i] = new ArrowColumnVector(vector);
      }
    }
    return columns;
  }

  /** A FixedSizeBinary vector as Spark binary, or (16 bytes) as a uuid string. */
  private static final class FixedBinaryColumn extends ColumnVector {
    private final FixedSizeBinaryVector vector;

    FixedBinaryColumn(FixedSizeBinaryVector vector, DataType type) {
      super(type);
      this.vector = vector;
    }

    @Override
    public boolean isNullAt(int rowId) {
      return vector.isNull(rowId);
    }

    @Override
    public byte[] getBinary(int rowId) {
      return vector.isNull(rowId) ? null : vector.get(rowId);
    }

    @Override
    public UTF8String getUTF8String(int rowId) {
      if (vector.isNull(rowId)) {
        return null;
      }
      ByteBuffer bytes = ByteBuffer.wrap(vector.get(rowId));
      return UTF8String.fromString(new UUID(bytes.getLong(), bytes.getLong()).toString());
    }

    @Override
    public boolean hasNull() {
      return vector.getNullCount() > 0;
    }

    @Override
    public int numNulls() {
      return vector.getNullCount();
    }

    @Override
    public void close() {
      // the vector is the stream's
    }

    @Override
    public boolean getBoolean(int rowId) {
      throw unsupported();
    }

    @Override
    public byte getByte(int rowId) {
      throw unsupported();
    }

    @Override
    public short getShort(int rowId) {
      throw unsupported();
    }

    @Override
    public int getInt(int rowId) {
      throw unsupported();
    }

    @Override
    public long getLong(int rowId) {
      throw unsupported();
    }

    @Override
    public float getFloat(int rowId) {
      throw unsupported();
    }

    @Override
    public double getDouble(int rowId) {
      throw unsupported();
    }

    @Override
    public ColumnarArray getArray(int rowId) {
      throw unsupported();
    }

    @Override
    public ColumnarMap getMap(int rowId) {
      throw unsupported();
    }

    @Override
    public Decimal getDecimal(int rowId, int precision, int scale) {
      throw unsupported();
    }

    @Override
    public ColumnVector getChild(int ordinal) {
      throw unsupported();
    }

    private UnsupportedOperationException unsupported() {
      return new UnsupportedOperationException(
          "Cannot read a " + dataType() + " column as another type");
    }
  }
}
