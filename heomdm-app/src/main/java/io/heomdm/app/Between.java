package io.heomdm.app;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A number setting from {@code min} to {@code max}, both included: one constraint for ints, longs and doubles, so the rule
 * reads the same in an error and in the configuration reference ("must be between 0.1 and 100").
 */
@Constraint(validatedBy = Between.Check.class)
@Target({FIELD, PARAMETER, RECORD_COMPONENT})
@Retention(RUNTIME)
public @interface Between {
    double min();

    double max();

    String message() default "must be between {min} and {max}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** NaN is outside every range. */
    final class Check implements ConstraintValidator<Between, Number> {
        private double min;
        private double max;

        @Override
        public void initialize(Between between) {
            min = between.min();
            max = between.max();
        }

        @Override
        public boolean isValid(Number value, ConstraintValidatorContext context) {
            return value != null && value.doubleValue() >= min && value.doubleValue() <= max;
        }
    }
}
