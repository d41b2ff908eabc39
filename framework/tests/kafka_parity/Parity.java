// Kafka's own Java client as the reference for Affinity's partitioner (run by kafka_parity.rs
// with the JDK's source launcher: java -cp '<kafka jars>/*' Parity.java BOOTSTRAP TOPIC=N...).
//
// Reads keys from stdin, one per line in hex ("-" is the empty key). For each TOPIC=N argument
// it creates the topic with N partitions, produces every key (acks=all, the producer's default
// partitioner: no partitioner.class is set) and prints "produced TOPIC HEX PARTITION" from the
// broker's acknowledgement; then reads every partition back from the beginning and prints
// "stored TOPIC HEX PARTITION" for each record the broker holds. Deletes the topics at the end.
// Exits non-zero, with the reason on stderr, if anything fails or takes longer than its bound.

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class Parity {
    static final long TIMEOUT_MS = 30_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Parity BOOTSTRAP TOPIC=PARTITIONS... < keys (hex, one a line)");
            System.exit(2);
        }
        String bootstrap = args[0];
        HexFormat hex = HexFormat.of();
        List<byte[]> keys = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            line = line.trim();
            if (!line.isEmpty()) {
                keys.add(line.equals("-") ? new byte[0] : hex.parseHex(line));
            }
        }

        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        common.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        common.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));

        Map<String, Integer> topics = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] parts = args[i].split("=", 2);
            topics.put(parts[0], Integer.parseInt(parts[1]));
            order.add(parts[0]);
        }

        try (Admin admin = Admin.create(common)) {
            List<NewTopic> create = new ArrayList<>();
            for (String topic : order) {
                create.add(new NewTopic(topic, topics.get(topic), (short) 1));
            }
            admin.createTopics(create).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            try {
                for (String topic : order) {
                    produce(common, topic, keys, hex);
                    readBack(common, topic, topics.get(topic), keys.size(), hex);
                }
            } finally {
                admin.deleteTopics(order).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    static void produce(Properties common, String topic, List<byte[]> keys, HexFormat hex)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, common.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(TIMEOUT_MS));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (byte[] key : keys) {
                RecordMetadata meta = producer
                    .send(new ProducerRecord<>(topic, key, "v".getBytes(StandardCharsets.UTF_8)))
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                System.out.println("produced " + topic + " " + show(key, hex) + " " + meta.partition());
            }
        }
    }

    static void readBack(Properties common, String topic, int partitions, int expected, HexFormat hex) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, common.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            int seen = 0;
            while (seen < expected) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("read " + seen + " of " + expected + " records of "
                        + topic + " back within " + TIMEOUT_MS + " ms");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    System.out.println("stored " + topic + " " + show(record.key(), hex) + " " + record.partition());
                    seen++;
                }
            }
        }
    }

    static String show(byte[] key, HexFormat hex) {
        return key.length == 0 ? "-" : hex.formatHex(key);
    }
}
